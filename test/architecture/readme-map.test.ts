/**
 * The README's "Map of the code" names every folder a newcomer meets, and names nothing that
 * is not there: every folder at the repository's root (not hidden, not ignored), every folder
 * directly under app/, app/core/, test/, scripts/, docs/, bench/ and extensions/ is an entry of
 * the map, every platform folder under app/destinations/ is named in its entry, and every
 * entry exists.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Folders whose every child folder must be an entry of the map ("" is the root). */
const MAPPED = ["", "app", "app/core", "test", "scripts", "docs", "bench", "extensions"];
const SKIP = new Set(["node_modules", "build", "dist", "coverage", "test-output"]);

/** Folders of the files a clone has plus new files not ignored (git), else a walk without hidden/build folders. */
function repositoryFolders(): Set<string> {
  let files: string[];
  try {
    const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" });
    files = out.split("\0").filter((f) => f && existsSync(path.join(ROOT, f)));
  } catch {
    files = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(path.join(ROOT, dir))) {
        if (entry.startsWith(".") || SKIP.has(entry)) continue;
        const rel = dir ? `${dir}/${entry}` : entry;
        if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
        else files.push(rel);
      }
    };
    walk("");
  }
  const folders = new Set<string>();
  for (const f of files) {
    const parts = f.split("/").slice(0, -1);
    if (parts.some((p) => p.startsWith(".") || SKIP.has(p))) continue;
    for (let i = 1; i <= parts.length; i++) folders.add(parts.slice(0, i).join("/"));
  }
  return folders;
}

export interface MapEntry {
  /** Path from the repository root, without a trailing slash. */
  path: string;
  folder: boolean;
  /** The entry's line and its wrapped description lines. */
  text: string;
}

/**
 * The entries of the map: a line starting (indent of at most 8) with a path, `name/` for a
 * folder or `name.ext` for a file; an indented entry lies in the closest less-indented folder
 * entry above it. Lines indented further are the description of the entry above.
 */
export function mapEntries(readme: string): MapEntry[] {
  const start = readme.indexOf("## Map of the code");
  if (start < 0) throw new Error("README has no '## Map of the code' section");
  const open = readme.indexOf("```", start);
  const close = readme.indexOf("```", open + 3);
  const block = readme.slice(readme.indexOf("\n", open) + 1, close);
  const entries: MapEntry[] = [];
  const stack: Array<{ indent: number; path: string }> = [];
  for (const line of block.split("\n")) {
    const m = /^( {0,8})([\w.-]+(?:\/[\w.-]+)*)(\/)?(?=\s|$)/.exec(line);
    const folder = m?.[3] === "/";
    if (!m || (!folder && !/\.\w+$/.test(m[2]!))) {
      if (entries.length && line.trim()) entries[entries.length - 1]!.text += `\n${line}`;
      continue;
    }
    const indent = m[1]!.length;
    while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const full = [...stack.map((s) => s.path).slice(-1), m[2]!].join("/");
    entries.push({ path: full, folder, text: line });
    if (folder) stack.push({ indent, path: full });
  }
  return entries;
}

describe("the README's map of the code matches the folders", () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const entries = mapEntries(readme);
  const folders = repositoryFolders();
  /** A folder is named when it is an entry or lies on the path of one. */
  const named = new Set(entries.filter((e) => e.folder).flatMap((e) => e.path.split("/").map((_, i, a) => a.slice(0, i + 1).join("/"))));
  for (const e of entries.filter((x) => !x.folder)) named.add(path.posix.dirname(e.path));

  it("reads the map's nesting (so the checks below can fail)", () => {
    const sample = "## Map of the code\n\n```\napp/\n  core/      pure\n    text/    words\n                   more/ words\n  lib/       x\ndocs/\n  a.md       y\nextensions/b/  z\n```\n";
    expect(mapEntries(sample).map((e) => e.path)).toEqual(["app", "app/core", "app/core/text", "app/lib", "docs", "docs/a.md", "extensions/b"]);
    expect(mapEntries(sample)[0]!.text).toBe("app/");
  });

  it("every folder at the root and directly under app/, app/core/, test/, scripts/, docs/, bench/, extensions/ is in the map", () => {
    const wanted = [...folders].filter((f) => MAPPED.includes(path.posix.dirname(f) === "." ? "" : path.posix.dirname(f)));
    expect(wanted).toContain("app/core");
    const missing = wanted.filter((f) => !named.has(f)).sort();
    expect(missing, `add these folders to README.md's "Map of the code":\n${missing.join("\n")}`).toEqual([]);
  });

  it("every platform folder under app/destinations/ is named in the destinations entry", () => {
    const entry = entries.find((e) => e.path === "app/destinations");
    expect(entry).toBeDefined();
    const platforms = [...folders].filter((f) => path.posix.dirname(f) === "app/destinations").map((f) => path.posix.basename(f));
    expect(platforms.length).toBeGreaterThan(5);
    const missing = platforms.filter((p) => !new RegExp(`(^|[\\s(,])${p}(/|[\\s,)]|$)`).test(entry!.text));
    expect(missing, `name these in the map's destinations/ entry:\n${missing.join("\n")}`).toEqual([]);
  });

  it("every entry of the map exists", () => {
    const gone = entries.filter((e) => !(e.folder ? folders.has(e.path) : existsSync(path.join(ROOT, e.path)))).map((e) => e.path);
    expect(gone, `the map names what is not there:\n${gone.join("\n")}`).toEqual([]);
  });
});
