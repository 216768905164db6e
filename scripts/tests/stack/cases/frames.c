// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * Compiled C: GCC's frames, at -O0 (frame pointer, `leave`) and at -O2,
 * must equal its own -fstack-usage figures (the runner passes --su with the
 * .su file), and the deepest path is their sum along outer > middle > leaf.
 * Runner flags: -fno-stack-protector, so that no library call appears.
 *
 * check: --root outer --su {su} => su: outer > middle > leaf
 * check: --root side --su {su} => su: side > small
 */

__attribute__((noinline)) static int leaf(const unsigned char *p, int n)
{
	volatile unsigned char buf[700];
	int i;

	for (i = 0; i < n; i++)
		buf[i % 700] = p[i];
	return buf[n % 700];
}

__attribute__((noinline)) static int small(int n)
{
	volatile int a[8];

	a[n & 7] = n;
	return a[0];
}

__attribute__((noinline)) static int middle(const unsigned char *p, int n)
{
	volatile unsigned char buf[300];

	buf[n % 300] = (unsigned char)n;
	if (n > 1000)
		return small(n) + buf[0];
	return leaf(p, n) + buf[1];
}

int outer(const unsigned char *p, int n);
int outer(const unsigned char *p, int n)
{
	volatile unsigned char copy[100];
	int i;

	for (i = 0; i < 100; i++)
		copy[i] = p[i];
	return middle(p, n) + copy[n % 100];
}

int side(int n);
int side(int n)
{
	return small(n) + 1;
}
