/**
 * The repository explains itself: no file may point at documents that live outside it (the
 * team's old reference notes, or a `shared` folder next to the checkout). Facts live in `docs/`
 * (docs/machines.md, docs/platform/*.md) with links to the platforms' public docs. Also: every
 * relative link in our Markdown points at a file that exists.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

// Built from pieces so this file does not match itself.
const OUTSIDE_NOTES = ["conversion-apis", "shopify-platform", "environment", "house-style"].map((n) => `${n}.md`);
const OUTSIDE_PATHS = [["", "work", "shared"].join("/"), ["shared", "reference"].join("/")];
/** A relative path into a folder called `shared` (resolved below: inside the repo is fine). */
const RELATIVE_SHARED = /(?:\.\.\/)+shared\b/g;
const SKIP_DIRS = new Set([".git", "node_modules", "build", "dist", "test-output", "data", "out", ".cache"]);
const BINARY = /\.(png|jpe?g|gif|webp|ico|svg|sqlite|db|woff2?|ttf|br|gz|zip|wasm)$/i;

/** The files a fresh clone has plus new ones not ignored (git), or a walk of the tree without git. */
function repositoryFiles(): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" });
    return out.split("\0").filter((f) => f && existsSync(path.join(ROOT, f)));
  } catch {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(path.join(ROOT, dir))) {
        const rel = dir ? `${dir}/${entry}` : entry;
        if (statSync(path.join(ROOT, rel)).isDirectory()) {
          if (!SKIP_DIRS.has(entry)) walk(rel);
        } else files.push(rel);
      }
    };
    walk("");
    return files;
  }
}

const files = repositoryFiles().filter((f) => !BINARY.test(f) && f !== "package-lock.json");
const text = (f: string) => readFileSync(path.join(ROOT, f), "utf8");
const isInside = (abs: string) => abs === ROOT || abs.startsWith(ROOT + path.sep);

/** Every place in `files` that refers to something outside the repository, as "file:line: text". */
export function outsideReferences(list: string[], read: (f: string) => string): string[] {
  const found: string[] = [];
  for (const f of list) {
    const lines = read(f).split("\n");
    lines.forEach((line, i) => {
      const hit =
        OUTSIDE_NOTES.find((n) => line.includes(n)) ??
        OUTSIDE_PATHS.find((p) => line.includes(p)) ??
        [...line.matchAll(RELATIVE_SHARED)].map((m) => m[0]).find((rel) => !isInside(path.resolve(ROOT, path.dirname(f), rel)));
      if (hit) found.push(`${f}:${i + 1}: ${line.trim().slice(0, 160)}`);
    });
  }
  return found;
}

describe("the repository explains itself", () => {
  it("looks at the whole repository", () => {
    // Guards against a listing that silently finds nothing (and so passes).
    expect(files.length).toBeGreaterThan(200);
    expect(files).toContain("README.md");
    expect(files).toContain("docs/machines.md");
  });

  it("no file refers to documents outside the repository", () => {
    expect(outsideReferences(files, text)).toEqual([]);
  });

  it("the check catches each kind of outside reference, and allows in-repo `../shared` imports", () => {
    const samples: Record<string, string> = {
      "app/a.ts": `// see ${OUTSIDE_NOTES[0]} §1.4`,
      "app/b.ts": `// ${OUTSIDE_NOTES[1]} §2.2`,
      "app/c.ts": `// facts: ${OUTSIDE_NOTES[2]}`,
      "app/d.md": `See ${OUTSIDE_NOTES[3]}.`,
      "test/e.ts": `// ${OUTSIDE_PATHS[0]}/x`,
      "test/f.md": `[notes](../../${OUTSIDE_PATHS[1]}/x)`,
      "g.md": "[notes](../shared/x.md)",
      "app/destinations/meta/ok.ts": 'import { x } from "../shared/money";',
      "docs/ok.md": "see docs/machines.md and docs/platform/shopify.md",
    };
    const hits = outsideReferences(Object.keys(samples), (f) => samples[f]!).map((h) => h.split(":")[0]);
    expect(hits).toEqual(["app/a.ts", "app/b.ts", "app/c.ts", "app/d.md", "test/e.ts", "test/f.md", "g.md"]);
  });

  it("every relative link in our Markdown points at a file that exists", () => {
    const broken: string[] = [];
    for (const f of files.filter((x) => x.endsWith(".md"))) {
      for (const m of text(f).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^(https?:|mailto:|#)/.test(target)) continue;
        const file = target.split("#")[0]!;
        if (!existsSync(path.resolve(ROOT, path.dirname(f), file))) broken.push(`${f}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
