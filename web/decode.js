// Reads a kernel panic QR URL back, in the browser, offline.
//
// The parameters are `a` (architecture), `v` (release), optionally `zd`
// (preset dictionary id; codes made before named it with a number in `d`,
// which the page distributions deploy shows as the distribution) and the
// zlib stream packed as digits: `z` (mainline: 7 little-endian bytes per 17
// digits) or `zl` (Linux 6.12: 13 bits per 4 digits). As in that page, they
// come from the query when it has `z` or `zl`, else from the fragment
// (`page#?a=...`, which never leaves the phone). This mirrors tools/src/decode.rs
// of panicqr-tools.
/* global pako, PANICQR_DICTIONARIES */
'use strict';

const PanicQr = (() => {
  const Z_DIGITS = [0, 3, 5, 8, 10, 13, 15, 17];

  function digitValues(s) {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) throw new Error(`not a decimal digit at offset ${i}`);
      out[i] = c;
    }
    return out;
  }

  function number(d) {
    let n = 0;
    for (const x of d) n = n * 10 + x;
    return n;
  }

  // Mainline z=: 17 digits are a little-endian 56-bit number (7 bytes); a
  // final group of 3, 5, 8, 10, 13 or 15 digits holds 1 to 6 bytes.
  function unpackZ(s) {
    const d = digitValues(s);
    const tailBytes = Z_DIGITS.indexOf(d.length % 17);
    if (tailBytes < 0 || tailBytes > 6) {
      throw new Error(`${d.length} digits is not a length the packing produces`);
    }
    const out = [];
    for (let i = 0; i < d.length; i += 17) {
      const group = d.subarray(i, i + 17);
      const bytes = group.length === 17 ? 7 : tailBytes;
      let n = 0n;
      for (const x of group) n = n * 10n + BigInt(x);
      if (n >> BigInt(8 * bytes) !== 0n) {
        throw new Error(`digit group at offset ${i} is too large for its bits`);
      }
      for (let b = 0; b < bytes; b++) {
        out.push(Number(n & 0xffn));
        n >>= 8n;
      }
    }
    return Uint8Array.from(out);
  }

  const zlTailDigits = (k) => (k === 0 ? 0 : k === 1 ? 1 : Math.floor((k + 1) / 3));
  const zlDigitCount = (n) => Math.floor((n * 8) / 13) * 4 + zlTailDigits((n * 8) % 13);

  function zlBytes(full, tailValue, tailBits) {
    const out = [];
    let acc = 0;
    let accBits = 0;
    const push = (v, bits) => {
      acc = (acc << bits) | v;
      accBits += bits;
      while (accBits >= 8) {
        accBits -= 8;
        out.push((acc >> accBits) & 0xff);
      }
      acc &= (1 << accBits) - 1;
    };
    for (let i = 0; i < full.length; i += 4) {
      const v = number(full.subarray(i, i + 4));
      if (v >= 8192) throw new Error(`digit group at offset ${i} is too large for its bits`);
      push(v, 13);
    }
    if (tailBits > 0) push(tailValue, tailBits);
    return Uint8Array.from(out);
  }

  function decrement(d) {
    for (let i = d.length - 1; i >= 0; i--) {
      if (d[i] > 0) {
        d[i]--;
        return;
      }
      d[i] = 9;
    }
  }

  // Linux 6.12 zl=: every 4 digits are 13 bits, most significant first; a
  // final group of k bits has (k + 1) / 3 digits (1 when k is 1). When the
  // tail has 4, 7 or 10 bits, 6.12 may have written wrong digits: the value
  // spills into the digits carried from the group before. Returns the
  // possible byte strings, the digits as they are first.
  function unpackZl(s) {
    const d = digitValues(s);
    const count = d.length;
    let n = -1;
    const guess = Math.floor((count * 13) / 32);
    for (let b = Math.max(0, guess - 2); b <= guess + 2; b++) {
      if (zlDigitCount(b) === count) n = b;
    }
    if (n < 0) throw new Error(`${count} digits is not a length the packing produces`);
    const fullGroups = Math.floor((n * 8) / 13);
    const tailBits = (n * 8) % 13;
    const full = d.subarray(0, fullGroups * 4);
    const tail = d.subarray(fullGroups * 4);
    const tailValue = number(tail);
    if (tailValue >= 1 << tailBits && tailBits > 0) {
      throw new Error(`digit group at offset ${fullGroups * 4} is too large for its bits`);
    }
    const lossy = tailBits === 4 || tailBits === 7 || tailBits === 10;
    const readings = [[full, tailValue]];
    if (lossy) {
      const tenT = 10 ** tail.length;
      const carry = fullGroups % 3;
      const split = full.length - carry;
      if (tailValue + tenT < 1 << tailBits) {
        const f = full.slice();
        decrement(f.subarray(split));
        readings.push([f, tailValue + tenT]);
      }
      if (tailBits === 7 && carry === 1 && full[full.length - 1] === 0 && tailValue < 4) {
        const f = full.slice();
        f[f.length - 1] = 9;
        readings.push([f, tailValue + 124]);
        if (split >= 3 && number(f.subarray(split - 3, split)) % 2 === 1) {
          const g = f.slice();
          decrement(g.subarray(split - 3, split));
          readings.push([g, tailValue + 124]);
        }
      }
    }
    const candidates = [];
    let firstError = null;
    for (const [f, v] of readings) {
      try {
        candidates.push(zlBytes(f, v, tailBits));
      } catch (e) {
        firstError = firstError || e;
      }
    }
    if (candidates.length === 0) throw firstError;
    return { candidates, lossy, tailBits };
  }

  function adler32(data) {
    let a = 1;
    let b = 0;
    for (let i = 0; i < data.length; i += 5552) {
      const end = Math.min(i + 5552, data.length);
      for (let j = i; j < end; j++) {
        a += data[j];
        b += a;
      }
      a %= 65521;
      b %= 65521;
    }
    return ((b << 16) | a) >>> 0;
  }

  function base64Bytes(b64) {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  const be32 = (b, i) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

  // Inflates a zlib stream, with the preset dictionary its header asks for.
  // Returns the data and whether the Adler-32 trailer matched.
  function inflateZlib(stream, dict) {
    if (stream.length < 2) throw new Error('not a zlib stream (bad header)');
    const cmf = stream[0];
    const flg = stream[1];
    if ((cmf & 15) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0) {
      throw new Error('not a zlib stream (bad header)');
    }
    let pos = 2;
    const options = {};
    if (flg & 0x20) {
      if (stream.length < 6) throw new Error('not a zlib stream (bad header)');
      const want = be32(stream, 2);
      pos = 6;
      if (!dict) {
        const e = new Error('the zlib stream needs a preset dictionary but the URL names none');
        e.needsDictionary = true;
        throw e;
      }
      if (adler32(dict) !== want) throw new Error('the zlib stream was made with another dictionary');
      options.dictionary = dict;
    }
    const inflater = new pako.Inflate({ raw: true, ...options });
    inflater.push(stream.subarray(pos), true);
    if (inflater.err || !inflater.ended) {
      throw new Error(`corrupt deflate data${inflater.msg ? `: ${inflater.msg}` : ''}`);
    }
    const data = inflater.result;
    const used = pos + inflater.strm.total_in;
    const checksum =
      used + 4 <= stream.length ? (be32(stream, used) === adler32(data) ? 'ok' : 'mismatch') : 'missing';
    return { data, checksum, usedDictionary: Boolean(flg & 0x20) };
  }

  // The parameters of a URL's query (`location.search`) and fragment
  // (`location.hash`): the query's when it has `z` or `zl`, else the
  // fragment's. Returns them and which part they came from.
  function pickParams(search, hash) {
    const query = new URLSearchParams(search);
    if (query.has('z') || query.has('zl')) return { params: query, fragment: false };
    return { params: new URLSearchParams((hash || '').replace(/^#/, '')), fragment: true };
  }

  // Decodes a panic URL's parameters, from `location.search` and
  // `location.hash`.
  function decodeUrl(search, hash) {
    const { params, fragment } = pickParams(search, hash);
    const result = {
      arch: params.get('a'),
      release: params.get('v'),
      distribution: params.get('d'),
      dictionary: null,
      fragment,
      packing: null,
      compressedLen: 0,
      log: null,
      warnings: [],
    };
    if (params.has('zd')) {
      result.dictionary = params.get('zd');
      if (!/^[0-9]+$/.test(result.dictionary)) throw new Error('zd= is not a number');
    } else if (/^[0-9]+$/.test(result.distribution || '')) {
      // Codes made before `zd` named the dictionary with a number in `d`.
      result.dictionary = result.distribution;
    }
    // The dictionary is looked up only when the stream asks for one: a `d`
    // may also be a distribution's number.
    let dict = null;
    if (result.dictionary !== null) {
      const id = String(Number(result.dictionary));
      const b64 = typeof PANICQR_DICTIONARIES !== 'undefined' && PANICQR_DICTIONARIES[id];
      if (b64) dict = base64Bytes(b64);
    }
    const inflate = (bytes) => {
      try {
        return inflateZlib(bytes, dict);
      } catch (e) {
        if (e.needsDictionary && result.dictionary !== null) {
          throw new Error(`unknown dictionary ${result.dictionary}`);
        }
        throw e;
      }
    };
    let chosen;
    if (params.has('z')) {
      result.packing = 'z';
      const bytes = unpackZ(params.get('z'));
      chosen = { bytes, inflated: inflate(bytes) };
    } else if (params.has('zl')) {
      result.packing = 'zl';
      const { candidates, lossy, tailBits } = unpackZl(params.get('zl'));
      chosen = { bytes: candidates[0], inflated: inflate(candidates[0]) };
      if (lossy && chosen.inflated.checksum !== 'ok') {
        let repaired = null;
        for (const c of candidates.slice(1)) {
          try {
            const i = inflate(c);
            if (i.checksum === 'ok') {
              repaired = { bytes: c, inflated: i };
              break;
            }
          } catch (e) {
            // Another reading that does not inflate: not the one.
          }
        }
        if (repaired) {
          chosen = repaired;
          result.warnings.push(
            "Linux 6.12's packing lost digits of the last group; they were recovered and the checksum matches.");
        } else {
          result.warnings.push(
            `Linux 6.12's packing lost digits of the last group (${tailBits} bits): the checksum ` +
            'cannot be verified, but the log ends before the lost bits and is complete.');
        }
      }
    } else {
      throw new Error('the URL has no z= or zl= parameter: nothing to decode');
    }
    if (chosen.inflated.checksum === 'mismatch' && result.warnings.length === 0) {
      result.warnings.push('zlib checksum mismatch: the log may be damaged.');
    } else if (chosen.inflated.checksum === 'missing') {
      result.warnings.push('zlib checksum missing: the stream is cut short.');
    }
    result.compressedLen = chosen.bytes.length;
    result.log = chosen.inflated.data;
    result.usedDictionary = chosen.inflated.usedDictionary;
    if (result.usedDictionary && !params.has('zd')) {
      // The number in `d` named the dictionary, not a distribution.
      result.distribution = null;
    }
    return result;
  }

  return { unpackZ, unpackZl, inflateZlib, adler32, decodeUrl };
})();

function show(search, hash) {
  const $ = (id) => document.getElementById(id);
  const status = $('status');
  let result;
  try {
    result = PanicQr.decodeUrl(search, hash);
  } catch (e) {
    status.textContent = `Cannot decode: ${e.message}`;
    status.className = 'error';
    document.body.dataset.state = 'error';
    return;
  }
  const text = new TextDecoder('utf-8').decode(result.log);
  $('arch').textContent = result.arch || '(none)';
  $('release').textContent = result.release || '(none)';
  $('sizes').textContent =
    `${result.compressedLen} compressed bytes, ${result.log.length} log bytes` +
    (result.packing === 'zl' ? ' (Linux 6.12 packing)' : '') +
    (result.usedDictionary ? `, dictionary ${result.dictionary}` : '');
  if (result.distribution) {
    $('distribution').textContent = result.distribution;
    $('distribution-row').hidden = false;
  }
  $('log').textContent = text;
  const warnings = $('warnings');
  for (const w of result.warnings) {
    const li = document.createElement('li');
    li.textContent = w;
    warnings.appendChild(li);
  }
  status.textContent = 'Decoded.';
  $('result').hidden = false;
  $('copy').onclick = async () => {
    try {
      await navigator.clipboard.writeText(text);
      $('copy').textContent = 'Copied';
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents($('log'));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      document.execCommand('copy');
    }
  };
  $('download').onclick = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([result.log], { type: 'text/plain' }));
    a.download = `panic-${result.release || 'log'}.txt`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  document.body.dataset.state = 'done';
}

if (typeof document !== 'undefined') {
  document.addEventListener('DOMContentLoaded', () => show(location.search, location.hash));
}
