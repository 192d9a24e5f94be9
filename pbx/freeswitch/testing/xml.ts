/**
 * A strict, small XML reader for the FreeSWITCH configuration tests (no XML parser is among the
 * repository's dependencies): elements, attributes, text, comments and the XML declaration, which
 * is all pbx/freeswitch uses. It refuses what is not well-formed XML (unbalanced or crossed tags,
 * unquoted or duplicate attributes, "<" in a value, unknown entities, "--" in a comment, a DOCTYPE,
 * CDATA, a second root), so a file it accepts is one FreeSWITCH's parser reads the same way.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, entities decoded (whitespace kept). */
  text: string;
  line: number;
}

export class XmlError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*/;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decode(raw: string, lineOf: () => number): string {
  return raw.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(";")) throw new XmlError(`line ${lineOf()}: bare "&"`);
    if (ref in ENTITIES) return ENTITIES[ref];
    const code = /^#x([0-9A-Fa-f]+)$/.exec(ref)?.[1] ?? /^#([0-9]+)$/.exec(ref)?.[1];
    if (code === undefined) throw new XmlError(`line ${lineOf()}: unknown entity &${ref};`);
    return String.fromCodePoint(parseInt(code, ref.startsWith("#x") ? 16 : 10));
  });
}

/** Parses `source`, returning its root element; throws XmlError naming the line. */
export function parseXml(source: string): XmlElement {
  let at = 0;
  const lineOf = (pos = at) => source.slice(0, pos).split("\n").length;
  const fail = (why: string): never => {
    throw new XmlError(`line ${lineOf()}: ${why}`);
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  if (source.startsWith("<?xml")) {
    const end = source.indexOf("?>");
    if (end < 0) fail("unclosed XML declaration");
    at = end + 2;
  }
  while (at < source.length) {
    const lt = source.indexOf("<", at);
    const text = source.slice(at, lt < 0 ? source.length : lt);
    if (text.includes("]]>")) fail('"]]>" in text');
    if (stack.length > 0) stack[stack.length - 1].text += decode(text, lineOf);
    else if (text.trim() !== "") fail("text outside the root element");
    else decode(text, lineOf);
    if (lt < 0) break;
    at = lt;
    if (source.startsWith("<!--", at)) {
      const end = source.indexOf("-->", at + 4);
      if (end < 0) fail("unclosed comment");
      const body = source.slice(at + 4, end);
      if (body.includes("--") || body.endsWith("-")) fail('"--" inside a comment');
      at = end + 3;
    } else if (source.startsWith("<!", at) || source.startsWith("<?", at)) {
      fail("DOCTYPE, CDATA and processing instructions are not used here");
    } else if (source.startsWith("</", at)) {
      const name = NAME.exec(source.slice(at + 2))?.[0] ?? fail("bad closing tag");
      at += 2 + name.length;
      const close = /^\s*>/.exec(source.slice(at)) ?? fail(`bad closing tag </${name}`);
      at += close[0].length;
      const open = stack.pop();
      if (!open || open.name !== name) fail(`unexpected closing tag </${name}>`);
    } else {
      const name = NAME.exec(source.slice(at + 1))?.[0] ?? fail("bad tag name");
      const element: XmlElement = { name, attrs: {}, children: [], text: "", line: lineOf() };
      at += 1 + name.length;
      for (;;) {
        const space = /^\s*/.exec(source.slice(at))![0];
        at += space.length;
        if (source.startsWith("/>", at) || source.startsWith(">", at)) break;
        if (space === "") fail(`no space before an attribute of <${name}>`);
        const attr = NAME.exec(source.slice(at))?.[0] ?? fail(`bad attribute in <${name}>`);
        at += attr.length;
        const value = /^\s*=\s*("([^"]*)"|'([^']*)')/.exec(source.slice(at)) ??
          fail(`attribute ${attr} of <${name}> has no quoted value`);
        const raw = value[2] ?? value[3];
        if (raw.includes("<")) fail(`"<" in attribute ${attr} of <${name}>`);
        if (attr in element.attrs) fail(`duplicate attribute ${attr} in <${name}>`);
        element.attrs[attr] = decode(raw, lineOf);
        at += value[0].length;
      }
      const selfClosing = source.startsWith("/>", at);
      at += selfClosing ? 2 : 1;
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else if (root) fail("a second root element");
      else root = element;
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length > 0) fail(`unclosed tag <${stack[stack.length - 1].name}>`);
  return root ?? fail("no root element");
}

/** Every element below (and including) `element`, depth first. */
export function* walk(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of element.children) yield* walk(child);
}
