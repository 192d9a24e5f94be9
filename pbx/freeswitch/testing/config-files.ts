/**
 * pbx/freeswitch as the tests read it: every XML file (raw and parsed), the preprocessor
 * instructions in them, and lookups in the parsed tree.
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseXml, walk, type XmlElement } from "./xml.ts";

/** The configuration folder (pbx/freeswitch). */
export const CONF_DIR = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

export interface ConfigFile {
  /** Relative to CONF_DIR, e.g. "dialplan/from-kamailio.xml". */
  rel: string;
  path: string;
  text: string;
}

/** Every .xml file of the configuration (not the test helpers). */
export function configFiles(): ConfigFile[] {
  const found: ConfigFile[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== "testing") visit(path);
      } else if (name.endsWith(".xml")) {
        found.push({ rel: relative(CONF_DIR, path), path, text: Deno.readTextFileSync(path) });
      }
    }
  };
  visit(CONF_DIR);
  return found;
}

export interface Instruction {
  file: string;
  line: number;
  cmd: string;
  data: string;
  /** For set, env-set and exec-set: the global's name and what follows "=". */
  name: string;
  value: string;
}

const INSTRUCTION = /^\s*<X-PRE-PROCESS cmd="([a-z-]+)" data="([^"]*)"\/>\s*$/;

/** The preprocessor instructions of `file`; lines that name the element in any other way too. */
export function instructions(file: ConfigFile): { found: Instruction[]; malformed: string[] } {
  const found: Instruction[] = [];
  const malformed: string[] = [];
  file.text.split("\n").forEach((line, index) => {
    if (!/x-pre-process/i.test(line)) return;
    const match = INSTRUCTION.exec(line);
    if (!match) {
      malformed.push(`${file.rel}:${index + 1}: ${line.trim()}`);
      return;
    }
    const [, cmd, data] = match;
    const eq = data.indexOf("=");
    found.push({
      file: file.rel,
      line: index + 1,
      cmd,
      data,
      name: eq < 0 ? "" : data.slice(0, eq),
      value: eq < 0 ? "" : data.slice(eq + 1),
    });
  });
  return { found, malformed };
}

export function parsed(file: ConfigFile): XmlElement {
  return parseXml(file.text);
}

/** Children of `element` named `name` (optionally with attribute name="…"). */
export function children(element: XmlElement, name: string, nameAttr?: string): XmlElement[] {
  return element.children.filter((child) =>
    child.name === name && (nameAttr === undefined || child.attrs.name === nameAttr)
  );
}

/** The one child named `name` (with name="nameAttr"); throws naming what is missing. */
export function child(element: XmlElement, name: string, nameAttr?: string): XmlElement {
  const found = children(element, name, nameAttr);
  if (found.length !== 1) {
    throw new Error(`<${element.name}> has ${found.length} <${name} name="${nameAttr ?? "*"}">`);
  }
  return found[0];
}

/** `<param name= value=>` children of `element` as a map. */
export function params(element: XmlElement, tag = "param"): Map<string, string> {
  return new Map(children(element, tag).map((p) => [p.attrs.name, p.attrs.value]));
}

/** `<configuration name=…>` inside a parsed freeswitch.xml (after preprocessing). */
export function configuration(document: XmlElement, name: string): XmlElement {
  return child(child(document, "section", "configuration"), "configuration", name);
}

/** Every dialplan action (and anti-action) below `element`. */
export function actions(element: XmlElement): XmlElement[] {
  return [...walk(element)].filter((e) => e.name === "action" || e.name === "anti-action");
}
