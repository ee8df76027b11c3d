// Prints, as one JSON array, the distinct context and continuation strings (first-seen order) of
// an lm-eval samples file: the input of the tokenizer bench.
// usage: node task_strings.js ../shared/fixtures/tiny-neox-expected/lmeval-fp32-full.samples.jsonl
const fs = require('fs');
const seen = new Set(), out = [];
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (!line) continue;
  const d = JSON.parse(line);
  for (const s of [d.context, d.continuation]) if (!seen.has(s)) { seen.add(s); out.push(s); }
}
process.stdout.write(JSON.stringify(out));
