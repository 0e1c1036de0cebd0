import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import {
  type ByteChunks,
  type CsvEvent,
  detectSeparator,
  firstInvalidUtf8,
  parseCsv,
  QUOTED_EMPTY,
  RaggedRowError,
  separatorProblem,
} from "./read.ts";

const enc = new TextEncoder();

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

function bytes(...parts: (string | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === "string" ? enc.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

interface Parsed {
  header: string[];
  headerLine: number;
  rows: string[][];
  lines: number[];
  batches: number;
}

async function parse(
  input: string | Uint8Array,
  opts: { chunk?: number; batchRows?: number; maxRecordChars?: number } = {},
): Promise<Parsed> {
  const b = typeof input === "string" ? enc.encode(input) : input;
  const out: Parsed = { header: [], headerLine: 0, rows: [], lines: [], batches: 0 };
  const events = parseCsv(chunksOf(b, opts.chunk ?? 65536), {
    file: "in.csv",
    batchRows: opts.batchRows,
    maxRecordChars: opts.maxRecordChars,
  });
  for await (const ev of events) {
    if (ev.kind === "header") {
      out.header = ev.names;
      out.headerLine = ev.line;
    } else {
      out.rows.push(...ev.rows);
      out.lines.push(...ev.lines);
      out.batches++;
    }
  }
  return out;
}

async function parseError(
  input: string | Uint8Array,
  opts: { chunk?: number; maxRecordChars?: number } = {},
): Promise<InputError> {
  try {
    await parse(input, opts);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  assert.fail("expected an InputError");
}

Deno.test("good CSV texts", async () => {
  const cases: {
    label: string;
    text: string | Uint8Array;
    header: string[];
    rows: string[][];
    lines: number[];
  }[] = [
    {
      label: "LF, final newline",
      text: "a,b\n1,2\n3,4\n",
      header: ["a", "b"],
      rows: [["1", "2"], ["3", "4"]],
      lines: [2, 3],
    },
    {
      label: "CRLF, no final newline",
      text: "a,b\r\n1,2\r\n3,4",
      header: ["a", "b"],
      rows: [["1", "2"], ["3", "4"]],
      lines: [2, 3],
    },
    {
      label: "mixed line ends",
      text: "a,b\r\n1,2\n3,4\r\n",
      header: ["a", "b"],
      rows: [["1", "2"], ["3", "4"]],
      lines: [2, 3],
    },
    {
      label: "BOM dropped",
      text: bytes([0xef, 0xbb, 0xbf], "id,name\n1,x\n"),
      header: ["id", "name"],
      rows: [["1", "x"]],
      lines: [2],
    },
    {
      label: "quotes: commas, doubled quotes, line breaks (LF and CRLF) inside",
      text: 'a,b,c\n"x,y","say ""hi""","line1\nline2"\n"",plain,"r\r\nn"\nlast,"",\n',
      header: ["a", "b", "c"],
      // A quoted empty field is QUOTED_EMPTY (the empty string), an unquoted one "" (null).
      rows: [["x,y", 'say "hi"', "line1\nline2"], [QUOTED_EMPTY, "plain", "r\r\nn"], [
        "last",
        QUOTED_EMPTY,
        "",
      ]],
      lines: [2, 4, 6],
    },
    {
      label: "empty fields and trailing comma",
      text: "a,b,c\n,,\n1,,3\n4,5,",
      header: ["a", "b", "c"],
      rows: [["", "", ""], ["1", "", "3"], ["4", "5", ""]],
      lines: [2, 3, 4],
    },
    {
      label: "single column: an empty line is a null value",
      text: "v\n1\n\n3\n",
      header: ["v"],
      rows: [["1"], [""], ["3"]],
      lines: [2, 3, 4],
    },
    {
      label: "multi-byte UTF-8 and a non-leading U+FEFF kept",
      text: "name,city\nZoë,Kraków\n\uFEFFx,東京 🚀\n",
      header: ["name", "city"],
      rows: [["Zoë", "Kraków"], ["\uFEFFx", "東京 🚀"]],
      lines: [2, 3],
    },
    {
      label: "header only",
      text: "a,b\n",
      header: ["a", "b"],
      rows: [],
      lines: [],
    },
  ];
  for (const c of cases) {
    const got = await parse(c.text);
    assert.deepEqual(got.header, c.header, c.label);
    assert.deepEqual(got.rows, c.rows, c.label);
    assert.deepEqual(got.lines, c.lines, c.label);
  }
});

Deno.test("the result does not depend on how the bytes are chunked", async () => {
  const text = bytes(
    [0xef, 0xbb, 0xbf],
    'id,"na,me",note\r\n1,"Zoë ""Z""","multi\nline 東京"\r\n2,🚀,\r\n3,"",x\n4,ü,"a\r\nb"',
  );
  const whole = await parse(text);
  assert.deepEqual(whole.rows.length, 4);
  assert.deepEqual(whole.lines, [2, 4, 5, 6]);
  for (let size = 1; size <= 9; size++) {
    assert.deepEqual(await parse(text, { chunk: size }), whole, `chunk size ${size}`);
  }
});

Deno.test("rows come in batches of batchRows", async () => {
  const text = "n\n" + Array.from({ length: 10 }, (_, i) => `${i}\n`).join("");
  const got = await parse(text, { batchRows: 4, chunk: 3 });
  assert.equal(got.batches, 3); // 4 + 4 + 2
  assert.deepEqual(got.rows.map((r) => r[0]), ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
});

Deno.test("ragged rows report file, line, expected and got", async () => {
  const cases: [string, number, number, number, number][] = [
    // text, line, expected, got, col
    ["a,b,c\n1,2,3\n4,5\n", 3, 3, 2, 3],
    ["a,b\n1,2\n3,4,5\n", 3, 2, 3, 3],
    ["a,b\n1,2\n\n3,4\n", 3, 2, 1, 2], // a blank line is not skipped
    ['a,b\n"x\ny",1,2\n', 2, 2, 3, 3], // a multi-line record: the line where it starts
  ];
  for (const [text, line, expected, got, col] of cases) {
    const err = await parseError(text);
    assert.ok(err instanceof RaggedRowError, text);
    assert.deepEqual(err.loc, { file: "in.csv", line, col }, text);
    assert.equal(err.expected, expected);
    assert.equal(err.got, got);
    assert.match(err.message, new RegExp(`^in\\.csv:${line}:${col}: record has ${got} field`));
  }
});

Deno.test("bad UTF-8 is an InputError at its line and column, however chunked", async () => {
  const cases: [string, Uint8Array, number, number, RegExp][] = [
    ["lone continuation byte", bytes("a,b\n1,x", [0x80], "y\n"), 2, 4, /byte 0x80/],
    ["Latin-1 é", bytes("a,b\nok,1\ncaf", [0xe9], ",2\n"), 3, 4, /byte 0xe9/],
    ["overlong /", bytes("a\n", [0xc0, 0xaf], "\n"), 2, 1, /byte 0xc0/],
    ["UTF-16 surrogate", bytes("a\nzz", [0xed, 0xa0, 0x80], "\n"), 2, 3, /byte 0xed/],
    ["after multi-byte chars", bytes("a\nZoë,", [0xff], "\n"), 2, 5, /byte 0xff/],
    ["truncated at end of file", bytes("a\nab", [0xe2, 0x82]), 2, 3, /byte 0xe2/],
    ["after a BOM on line 1", bytes([0xef, 0xbb, 0xbf], "ab", [0xff], "\n"), 1, 3, /byte 0xff/],
    ["inside a quoted multi-line field", bytes('a\n"x\ny', [0xfe], '"\n'), 3, 2, /byte 0xfe/],
  ];
  for (const [label, input, line, col, re] of cases) {
    for (const chunk of [1, 2, 3, 65536]) {
      const err = await parseError(input, { chunk });
      assert.deepEqual(err.loc, { file: "in.csv", line, col }, `${label} (chunk ${chunk})`);
      assert.match(err.message, re, label);
      assert.match(err.message, /invalid UTF-8/, label);
    }
  }
});

Deno.test("quote and line-end syntax errors are located", async () => {
  const cases: [string, number, number, RegExp][] = [
    ['a,b\n1,x"y\n', 2, 4, /quote \(\"\) inside an unquoted field/],
    ['a,b\n1,"x"y\n', 2, 6, /after a closing quote/],
    ['a,b\n1,"unterminated\n2,3\n', 2, 3, /quoted field is not closed/],
    ["a,b\r1,2\n", 1, 4, /carriage return \(CR\) not followed/],
    ["a,b\n1,2\r", 2, 4, /carriage return/],
  ];
  for (const [text, line, col, re] of cases) {
    for (const chunk of [1, 65536]) {
      const err = await parseError(text, { chunk });
      assert.deepEqual(err.loc, { file: "in.csv", line, col }, `${text} (chunk ${chunk})`);
      assert.match(err.message, re);
    }
  }
});

Deno.test("header problems", async () => {
  const cases: [string | Uint8Array, number, RegExp][] = [
    ["", 1, /empty: a header row is required/],
    [bytes([0xef, 0xbb, 0xbf]), 1, /empty/],
  ];
  for (const [text, col, re] of cases) {
    const err = await parseError(text);
    assert.equal(err.loc?.col, col);
    assert.match(err.message, re);
  }
});

Deno.test("empty and repeated header names are passed on as written (ingest names them)", async () => {
  for (
    const [text, header] of [
      ["a,,c\n1,2,3\n", ["a", "", "c"]],
      ['"",b,b\n1,2,3\n', ["", "b", "b"]],
    ] as const
  ) {
    assert.deepEqual((await parse(text)).header, header);
  }
});

Deno.test("records longer than maxRecordChars are refused (bounded memory)", async () => {
  const text = 'a,b\n1,"never closed' + "x".repeat(200) + "\n2,3\n";
  const err = await parseError(text, { chunk: 16, maxRecordChars: 100 });
  assert.deepEqual(err.loc, { file: "in.csv", line: 2, col: 1 });
  assert.match(err.message, /longer than 100 characters; is the quote opened at line 2 column 3/);
});

Deno.test("stopping early cancels the source stream", async () => {
  let cancelled = false;
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      pulled++;
      ctrl.enqueue(enc.encode(pulled === 1 ? "a,b\n" : "1,2\n"));
    },
    cancel() {
      cancelled = true;
    },
  });
  const source: ByteChunks = stream;
  const events: CsvEvent[] = [];
  for await (const ev of parseCsv(source, { file: "s.csv", batchRows: 2 })) {
    events.push(ev);
    if (ev.kind === "rows") break;
  }
  assert.equal(cancelled, true);
  assert.equal(events[0].kind, "header");
  assert.ok(pulled < 10);
});

Deno.test("firstInvalidUtf8 agrees with the fatal TextDecoder", () => {
  const dec = new TextDecoder("utf-8", { fatal: true });
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16;
  // Bias towards bytes near the UTF-8 boundaries so the edge cases are hit.
  const pool = [
    0x00,
    0x41,
    0x7f,
    0x80,
    0x8f,
    0x90,
    0x9f,
    0xa0,
    0xbf,
    0xc0,
    0xc1,
    0xc2,
    0xdf,
    0xe0,
    0xe1,
    0xec,
    0xed,
    0xee,
    0xef,
    0xf0,
    0xf1,
    0xf3,
    0xf4,
    0xf5,
    0xff,
  ];
  for (let t = 0; t < 20000; t++) {
    const b = Uint8Array.from({ length: 1 + (next() % 6) }, () => pool[next() % pool.length]);
    let valid = true;
    try {
      dec.decode(b);
    } catch {
      valid = false;
    }
    assert.equal(firstInvalidUtf8(b) === -1, valid, `bytes ${Array.from(b)}`);
  }
});

Deno.test("detectSeparator: each candidate, quotes, single columns, ragged lines fall back to ,", () => {
  const cases: { label: string; text: string | Uint8Array; complete?: boolean; sep: string }[] = [
    { label: "comma", text: "a,b,c\n1,2,3\n", sep: "," },
    { label: "semicolon", text: "a;b;c\n1;2;3\n", sep: ";" },
    { label: "tab", text: "a\tb\n1\t2\n", sep: "\t" },
    { label: "pipe", text: "a|b\n1|2\n", sep: "|" },
    { label: "CRLF and BOM", text: bytes([0xef, 0xbb, 0xbf], "a;b\r\n1;2\r\n"), sep: ";" },
    { label: "no final line break", text: "a|b|c\n1|2|3", sep: "|" },
    {
      label: "Excel ; with decimal commas",
      text: 'name;price\n"Smith, J";1,5\nAnn;2,25\n',
      sep: ";",
    },
    {
      label: "quoted separators and line breaks do not count",
      text: 'a;b\n"x;y;z";"1,2\n3,4"\n"say ""a;b""";2\n',
      sep: ";",
    },
    { label: "quoted tabs and pipes", text: 'a,b\n"x\ty|z",1\n', sep: "," },
    { label: "most fields wins", text: "a,b;c;d\n1,2;3;4\n", sep: ";" },
    { label: "tie of equal counts: comma", text: "a,b;c\n1,2;3\n", sep: "," },
    { label: "single column: comma", text: "a\n1\n2\n", sep: "," },
    { label: "single column with ; in data: comma", text: "a\n1;2\n3;4\n", sep: "," },
    { label: "ragged lines: comma", text: "a;b\n1;2;3\n4\n", sep: "," },
    { label: "ragged comma file stays comma", text: "a,b\n1\n", sep: "," },
    { label: "empty line: comma", text: "a;b\n\n1;2\n", sep: "," },
    { label: "empty file", text: "", sep: "," },
    { label: "header only", text: "a|b|c", sep: "|" },
    {
      label: "cut head: last partial record ignored",
      text: "a;b\n1;2\n3",
      complete: false,
      sep: ";",
    },
    { label: "cut header alone counts", text: "a;b;c;d", complete: false, sep: ";" },
    {
      label: "only the first 51 records are sampled",
      text: "a;b\n" + "1;2\n".repeat(50) + "1;2;3\n",
      sep: ";",
    },
    {
      label: "a ragged record among the first 51",
      text: "a;b\n" + "1;2\n".repeat(49) + "1;2;3\n",
      sep: ",",
    },
  ];
  for (const c of cases) {
    const b = typeof c.text === "string" ? enc.encode(c.text) : c.text;
    assert.equal(detectSeparator(b, c.complete ?? true), c.sep, c.label);
  }
});

Deno.test("parseCsv with each separator: quotes, BOM, CRLF, errors name the separator", async () => {
  for (const sep of [",", ";", "\t", "|", "^"]) {
    // The other candidates are plain data, unquoted.
    const others = [",", ";", "\t", "|", "^"].filter((c) => c !== sep).join("");
    const text = "\uFEFF" + ["id", "name", "note"].join(sep) + "\r\n" +
      ["1", `"a${sep}b"`, `"say ""hi""\r\nthere"`].join(sep) + "\r\n" +
      ["2", "", '""'].join(sep) + "\n" +
      ["3", `x${others}y`, "end"].join(sep);
    for (const chunk of [1, 7, 65536]) {
      const out: string[][] = [];
      let header: string[] = [];
      const events = parseCsv(chunksOf(enc.encode(text), chunk), { file: "f", separator: sep });
      for await (const ev of events) {
        if (ev.kind === "header") header = ev.names;
        else out.push(...ev.rows);
      }
      const label = `${JSON.stringify(sep)} chunk ${chunk}`;
      assert.deepEqual(header, ["id", "name", "note"], label);
      assert.deepEqual(out, [
        ["1", `a${sep}b`, 'say "hi"\r\nthere'],
        ["2", "", QUOTED_EMPTY],
        ["3", `x${others}y`, "end"],
      ], label);
    }
  }
  const err = async (text: string, separator: string) => {
    try {
      for await (const _ of parseCsv(chunksOf(enc.encode(text), 3), { file: "f", separator })) {
        /* read */
      }
    } catch (e) {
      if (e instanceof InputError) return e.message;
      throw e;
    }
    return "no error";
  };
  assert.match(await err('a;b\n"x"y;2\n', ";"), /expected the separator ";" or a line end/);
  assert.match(await err('a\tb\n"x"y\t2\n', "\t"), /expected the separator tab or a line end/);
  assert.match(await err('a,b\n"x"y,2\n', ","), /expected a comma or a line end/);
  assert.match(await err("a;b\n1;2;3\n", ";"), /record has 3 fields, the header has 2/);
  assert.equal(separatorProblem("ab"), "it must be a single character");
  assert.ok(separatorProblem('"'));
  assert.ok(separatorProblem("\n"));
  assert.equal(separatorProblem("^"), undefined);
});
