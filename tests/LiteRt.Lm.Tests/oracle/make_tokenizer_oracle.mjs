// Generates tokenizer_oracle.json: expected token ids, pre-token pieces and decoded text from the real
// Hugging Face `tokenizers` library (npm package `tokenizers`, Rust core), for the C# tests in LiteRt.Lm.Tests.
//
//   cd tests/LiteRt.Lm.Tests/oracle
//   npm install --no-save tokenizers@0.23.2      # or: npm ci (package.json pins the version)
//   node make_tokenizer_oracle.mjs [path/to/shared]   # default: ../shared next to the repository root
//
// The shared files (tokenizer.json, corpus) are read, never copied: the output holds only the texts we chose,
// the ids and the decoded strings. The C# test applies the same JSON patches to the same shared files.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
const { Tokenizer } = require('tokenizers');
const tokenizersVersion = require('tokenizers/package.json').version;

const repoRoot = resolve(here, '..', '..', '..');
const shared = resolve(process.argv[2] ?? join(repoRoot, '..', 'shared'));

// ---------------------------------------------------------------- inputs
const hardStrings = [
  '',
  ' ',
  '  ',
  '\t',
  '\n',
  '\n\n',
  '\r\n',
  '   leading spaces',
  'trailing spaces   ',
  'a  b   c    d     e',
  'tab\tseparated\t\tvalues\t',
  'line1\nline2\n\nline3\n',
  'windows\r\nline\r\n\r\nend\r\n',
  '   \n\t  mixed \t\n whitespace  \n',
  ' '.repeat(40),
  '\n'.repeat(5) + 'x' + ' \n'.repeat(3),
  'Hello world!',
  'Once upon a time, there was a little girl named Lily.',
  '"Look, Mom!" Lily said. "Let\'s go to the park."',
  "I'm you're he's we've they'll I'd don't",
  "I'M YOU'RE HE'S WE'VE THEY'LL I'D DON'T",
  "it's it'S it'\u017f it\u2019s rock'n'roll '",
  "'\u017fx 'Sx 'sx 'Tx 'LLx 'Kx",
  "we'RE you'Ve she'lL x'D",
  '1234567890',
  '3.14159 and 2,718 and 1e-9',
  'year 2024: 100% of 12345678 items',
  '...!!!???,,,;;;',
  '"quoted" (paren) [bracket] {brace} <angle>',
  'foo_bar-baz/qux\\path a.b,c;d:e',
  'def f(x):\n    return x * 2\n\n\tpass\n',
  '\u{1F600}',
  '\u{1F600}abc \u{1F600}abc',
  '\u{1F600}\u{1D400}x1\u{1D7CE}  \u{1F600}\n\u{1F600}',
  'I \u2764\uFE0F you \u{1F44D}\u{1F3FD}',
  '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466} family',
  '\u{1F1FA}\u{1F1F8}\u{1F1EB}\u{1F1F7}',
  '你好，世界。今天天气很好。',
  'こんにちは世界 カタカナ',
  '안녕하세요 세계',
  'مرحبا بالعالم',
  'שלום עולם',
  'Καλημέρα κόσμε',
  'Привет, мир!',
  'สวัสดีครับ',
  'नमस्ते दुनिया',
  'e\u0301',
  'Cafe\u0301 na\u0308ive re\u0301sume\u0301',
  '\u1100\u1161\u11A8',
  '\u212B \u00C5 A\u030A',
  '\u2211x\u00B2 \u2264 \u221E \u2192 \u00A9\u00AE\u2122',
  'a\u00A0b\u3000c\u200Bd\u2028e\u2029f',
  '\u0000 nul \u0007 bell \u007F del \u0085 nel',
  '\u{1D400}\u{1D401}\u{1D402} math bold',
  '\u{20000}\u{20001} ext B',
  '\u{10400}\u{10428} Deseret',
  '\u{1D7CE}\u{1D7CF} math digits',
  '\uFFFD replacement',
  '\u2581 lower one eighth block \u2581\u2581x',
  '<0x41> literal byte piece',
  '<|im_start|>user\nTell me a story.<|im_end|>\n<|im_start|>assistant\n',
  'a<|endoftext|>b <|im_end|> c',
  '<|im_start|<|im_end|><|im_end|>',
  '<s>Hello</s>',
  'Hello <s> world </s> again',
  '<unk> and < s> and <s',
  'say hello world now, hello world',
  "Lily's friend Lily. Lilypad xLily Lily",
  'a <tool> b  <tool>  c<tool>d \n<tool>\n',
  'o\u0308 \u00f6 zo\u0308e',
];

const corpusText = readFileSync(join(shared, 'llm/corpus/stories260K_samples.txt'), 'utf8');
const corpusLines = corpusText.split('\n');

// ---------------------------------------------------------------- tokenizers and variants
const stories = 'llm/stories260K/hf/tokenizer.json';
const qwen2 = 'llm/synthetic/qwen2-tiny/hf/tokenizer.json';

const llama3Regex = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
// tiktoken-style patterns as tokenizer.json files carry them: possessive quantifiers (cl100k), case classes and
// optional contractions (o200k), CJK ranges and escaped punctuation in classes (DeepSeek-style splits).
const possessiveRegex = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+";
const o200kRegex = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const cjkRegex = "[\\r\\n]|\\s?[A-Za-z\u00b5\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u01ba]+|[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+|[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]+|\\p{N}";
const bytelevelSplit = pattern => ({
  type: 'Sequence', pretokenizers: [
    { type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false }],
});
const noSpecial = { added_tokens: [] };
const addedToken = (id, content, o = {}) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: false, ...o });
const storiesAdded = [
  addedToken(0, '<unk>', { normalized: false, special: true }), addedToken(1, '<s>', { normalized: false, special: true }),
  addedToken(2, '</s>', { normalized: false, special: true }), addedToken(512, 'hello world')];
const qwenAdded = [
  addedToken(997, '<|endoftext|>', { normalized: false, special: true }), addedToken(998, '<|im_start|>', { normalized: false, special: true }),
  addedToken(999, '<|im_end|>', { normalized: false, special: true }),
  addedToken(1000, '<tool>', { normalized: false, lstrip: true, rstrip: true }),
  addedToken(1001, 'Lily', { single_word: true }),
  addedToken(1002, '\u00f6')];   // what `split_special_tokens` / encode_special_tokens does: nothing is matched

// name, base file, patch (top-level keys; "model.x" sets a key of the model), what to compute.
const cases = [
  { name: 'stories260K', base: stories, patch: {}, corpus: true, decode: true, noAdded: true, decodeHard: true },
  { name: 'qwen2', base: qwen2, patch: {}, corpus: true, decode: true, noAdded: true, decodeHard: true },
  { name: 'stories260K-unparsed-special', base: stories, patch: noSpecial, unparsed: true },
  { name: 'qwen2-unparsed-special', base: qwen2, patch: noSpecial, unparsed: true },
  { name: 'stories260K-added-normalized', base: stories, patch: { added_tokens: storiesAdded }, decodeHard: true },
  { name: 'qwen2-added-options', base: qwen2, patch: { added_tokens: qwenAdded }, decodeHard: true, noAdded: true },
  {
    name: 'stories260K-bos-eos', base: stories, noAdded: true, patch: {
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
        pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] }, '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } },
      },
    },
  },
  ...['first', 'always', 'never'].flatMap(scheme => [true, false].map(split => ({
    name: `stories260K-metaspace-${scheme}${split ? '' : '-nosplit'}`, base: stories, pieces: true, decodeHard: true, patch: {
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: scheme, split },
      decoder: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: scheme, split },
    },
  }))),
  { name: 'qwen2-pieces', base: qwen2, patch: {}, pieces: true },
  {
    name: 'qwen2-llama3-regex', base: qwen2, pieces: true, patch: {
      'model.ignore_merges': true,
      pre_tokenizer: {
        type: 'Sequence', pretokenizers: [
          { type: 'Split', pattern: { Regex: llama3Regex }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }],
      },
    },
  },
  { name: 'qwen2-possessive-regex', base: qwen2, pieces: true, patch: { pre_tokenizer: bytelevelSplit(possessiveRegex) } },
  { name: 'qwen2-o200k-regex', base: qwen2, pieces: true, patch: { pre_tokenizer: bytelevelSplit(o200kRegex) } },
  { name: 'qwen2-cjk-class-regex', base: qwen2, pieces: true, piecesOnly: true, patch: { pre_tokenizer: bytelevelSplit(cjkRegex) } },
  {
    name: 'qwen2-gpt2-bytelevel', base: qwen2, pieces: true, patch: {
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    },
  },
  {
    name: 'qwen2-gpt2-bytelevel-noprefix', base: qwen2, pieces: true, patch: {
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    },
  },
  ...['Removed', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'].flatMap(behavior => [false, true].map(invert => ({
    name: `qwen2-split-${behavior}${invert ? '-invert' : ''}`, base: qwen2, pieces: true, piecesOnly: true, patch: {
      pre_tokenizer: {
        type: 'Sequence', pretokenizers: [
          { type: 'Split', pattern: { Regex: '\\s+|[.,!?]' }, behavior, invert },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false }],
      },
    },
  }))),
  {
    name: 'qwen2-split-string', base: qwen2, pieces: true, piecesOnly: true, patch: {
      pre_tokenizer: {
        type: 'Sequence', pretokenizers: [
          { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithNext', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false }],
      },
    },
  },
];

// ---------------------------------------------------------------- helpers
function applyPatch(json, patch) {
  const copy = structuredClone(json);
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('model.')) copy.model[key.slice(6)] = value; else copy[key] = value;
  }
  return copy;
}

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ids = arr => arr.join(' ');
const hash = text => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

async function run() {
  const out = {
    generator: 'tests/LiteRt.Lm.Tests/oracle/make_tokenizer_oracle.mjs',
    tokenizers_npm_version: tokenizersVersion,
    note: 'ids are space-separated; base paths are relative to ../shared; texts are ours, ids from HF tokenizers',
    hard_strings: hardStrings,
    corpus: 'llm/corpus/stories260K_samples.txt',
    cases: [],
  };
  for (const c of cases) {
    const json = applyPatch(JSON.parse(readFileSync(join(shared, c.base), 'utf8')), c.patch);
    const tok = Tokenizer.fromString(JSON.stringify(json));
    const entry = { name: c.name, base: c.base, patch: c.patch, unparsed: !!c.unparsed, hard: [] };
    for (const text of hardStrings) {
      const h = {};
      if (!c.piecesOnly) {
        const withSpecial = (await tok.encode(text)).getIds();
        h.ids = ids(withSpecial);
        if (c.noAdded) h.ids_no_added = ids((await tok.encode(text, null, { addSpecialTokens: false })).getIds());
        if (c.decodeHard) {
          h.decoded = await tok.decode(withSpecial, false);
          h.decoded_skip = await tok.decode(withSpecial, true);
        }
      }
      if (c.pieces) {
        const pre = tok.getPreTokenizer();
        const norm = tok.getNormalizer();
        const normalized = norm ? norm.normalizeString(text) : text;
        h.pieces = pre ? pre.preTokenizeString(normalized).map(p => p[0]) : [normalized];
      }
      entry.hard.push(h);
    }
    if (c.corpus) {
      // Per line: "count:hash"; whole corpus: count and one hash per 1000 ids (locates a first difference).
      // hash = first 16 hex digits of SHA-256 over the ids joined by single spaces.
      entry.corpus_lines = [];
      for (const line of corpusLines) {
        const lineIds = (await tok.encode(line)).getIds();
        entry.corpus_lines.push(`${lineIds.length}:${hash(ids(lineIds))}`);
      }
      const whole = (await tok.encode(corpusText)).getIds();
      entry.corpus_whole = { count: whole.length, chunk: 1000, hashes: [] };
      for (let i = 0; i < whole.length; i += 1000) entry.corpus_whole.hashes.push(hash(ids(whole.slice(i, i + 1000))));
      entry.corpus_whole.head = ids(whole.slice(0, 200));
    }
    if (c.decode) {
      const vocab = tok.getVocabSize(true);
      const rnd = mulberry32(1234);
      const seqs = [];
      for (let id = 0; id < vocab; id++) seqs.push([id]);
      for (let i = 0; i < 200; i++) {
        const len = 1 + Math.floor(rnd() * 24);
        const seq = [];
        for (let j = 0; j < len; j++) {
          const r = rnd();
          // Bias towards byte-ish low ids (partial UTF-8) and the special tokens at either end.
          seq.push(r < 0.4 ? Math.floor(rnd() * 260) : r < 0.5 ? (rnd() < 0.5 ? Math.floor(rnd() * 3) : vocab - 1 - Math.floor(rnd() * 3)) : Math.floor(rnd() * vocab));
        }
        seqs.push(seq);
      }
      seqs.push([vocab + 5, 3, vocab + 100]);   // unknown ids are dropped by HF
      entry.decode = [];
      for (const s of seqs) entry.decode.push({ ids: ids(s), text: await tok.decode(s, false), text_skip: await tok.decode(s, true) });
    }
    out.cases.push(entry);
  }
  const path = join(here, 'tokenizer_oracle.json');
  writeFileSync(path, JSON.stringify(out, null, 1) + '\n');
  console.log(`wrote ${path}`);
}

run().catch(e => { console.error(e); process.exit(1); });
