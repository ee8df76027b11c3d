// HF's Rust tokenizer (npm `tokenizers`, pinned in package.json) as the oracle for tests/tokenizer.
// usage: node oracle.js encode|decode tokenizer.json in.json out.json
//   encode: in = JSON array of strings -> out = JSON array of id arrays (no special tokens added)
//   decode: in = JSON array of id arrays -> out = JSON array of strings (special tokens kept)
// Writes {"version": ...} to stdout so the caller can report which core it compared against.
const { Tokenizer } = require('tokenizers');
const fs = require('fs');

(async () => {
  const [mode, tokPath, inPath, outPath] = process.argv.slice(2);
  const tok = Tokenizer.fromFile(tokPath);
  const input = JSON.parse(fs.readFileSync(inPath, 'utf8'));
  let out;
  if (mode === 'encode') {
    const encs = await tok.encodeBatch(input, { addSpecialTokens: false });
    out = encs.map((e) => e.getIds());
  } else if (mode === 'decode') {
    out = await tok.decodeBatch(input, false);
  } else {
    throw new Error('mode must be encode or decode');
  }
  fs.writeFileSync(outPath, JSON.stringify(out));
  console.log(JSON.stringify({ version: require('tokenizers/package.json').version }));
})().catch((e) => { console.error(e.message); process.exit(1); });
