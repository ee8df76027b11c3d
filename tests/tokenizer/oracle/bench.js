// Times HF's Rust tokenizer (npm `tokenizers`) on the strings `pythia-eval tokenize --bench` times,
// under the same protocol: one cold pass (empty BPE cache), then warm passes; one thread.
// usage: node bench.js tokenizer.json strings.json  -> one JSON line on stdout
process.env.RAYON_NUM_THREADS = '1';
process.env.TOKENIZERS_PARALLELISM = 'false';
const { Tokenizer } = require('tokenizers');
const fs = require('fs');

(async () => {
  const [tokPath, inPath] = process.argv.slice(2);
  const strings = JSON.parse(fs.readFileSync(inPath, 'utf8'));
  const tok = Tokenizer.fromFile(tokPath);
  const pass = async () => {
    // CPU time as well as wall time: on a shared machine the wall clock measures the neighbours.
    const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
    const encs = await tok.encodeBatch(strings, { addSpecialTokens: false });
    const c1 = process.cpuUsage(c0);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    let tokens = 0;
    for (const e of encs) tokens += e.getIds().length;
    return { seconds, cpu: (c1.user + c1.system) / 1e6, tokens };
  };
  const cold = await pass();
  let warm = Infinity, warmCpu = Infinity, total = 0;
  for (let i = 0; i < 5 && total < 3; i++) {
    const p = await pass();
    warm = Math.min(warm, p.seconds);
    warmCpu = Math.min(warmCpu, p.cpu);
    total += p.seconds;
  }
  console.log(JSON.stringify({
    version: require('tokenizers/package.json').version,
    tokens: cold.tokens, cold_s: cold.seconds, cold_cpu_s: cold.cpu, warm_s: warm, warm_cpu_s: warmCpu,
  }));
})().catch((e) => { console.error(e.message); process.exit(1); });
