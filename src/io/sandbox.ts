/**
 * Path confinement: every path sdp reads or writes must stay inside the
 * working directory once its symbolic links are resolved. The Deno permission
 * flags (`--allow-read=.`, `--allow-write=.`) check the path as written, so a
 * `runs` link to another folder, or a `dataset.yaml` link to `/etc/passwd`,
 * passes them; this module resolves links first.
 *
 * The rule: the real path of the longest existing prefix, followed by the
 * not-yet-existing rest (which may not contain `..`), must be the working
 * directory or lie under it. A dangling link is refused (writing through it
 * would create its target). {@link Sandbox.checkTree} applies the rule to a
 * folder and to every link found below it, so a link anywhere inside a
 * dataset's config folder, its runs or a parts folder is caught before the
 * stages read or write there.
 *
 * Out of scope: a link created or swapped between the check and the use (a
 * race with another local process that can already write the working
 * directory).
 *
 * @module
 */
import { SandboxError } from "../errors.ts";

/** Most directory entries {@link Sandbox.checkTree} examines below one folder. */
export const TREE_ENTRY_LIMIT = 200_000;

/** Where a path leads once its links are resolved. */
export interface Resolution {
  /** The absolute real path (the existing prefix resolved, the rest appended). */
  resolved: string;
  /** Whether the whole path exists. */
  exists: boolean;
}

/** Confinement of paths to one root folder (the working directory). */
export interface Sandbox {
  /** The real path of the root. */
  readonly root: string;
  /** Refuse `path` (named `what` in the message) unless it resolves inside the root. */
  check(path: string, what: string): Promise<Resolution>;
  /**
   * {@link check} `path`, then every link below it, following links to folders
   * inside the root. A missing `path` passes when it would be created inside.
   */
  checkTree(path: string, what: string): Promise<void>;
  /**
   * A Kaggle credentials file: inside the root the usual rule applies; outside
   * (its documented home, `~/.kaggle`, readable only with wider permissions than
   * the binary's) it must resolve to a regular file that is itself named
   * `kaggle.json`, so a `kaggle.json -> /etc/shadow` link is refused.
   */
  checkCredentialsFile(path: string): Promise<void>;
}

/** A sandbox rooted at `root` (default: the real path of the working directory). */
export function createSandbox(root?: string): Sandbox {
  const realRoot = trimSlash(root ?? Deno.realPathSync(Deno.cwd()));
  const inside = (p: string) => realRoot === "/" || p === realRoot || p.startsWith(`${realRoot}/`);

  async function check(path: string, what: string): Promise<Resolution> {
    let r: Resolution;
    try {
      r = await resolveLinks(path);
    } catch (err) {
      if (err instanceof SandboxError) throw named(err, path, what);
      if (err instanceof Deno.errors.NotCapable) {
        throw new SandboxError(
          `${what} "${path}" is outside the working directory ${realRoot}; sdp reads and writes ` +
            `only inside it`,
          path,
        );
      }
      throw err;
    }
    if (!inside(r.resolved)) {
      throw new SandboxError(
        `${what} "${path}" resolves to "${r.resolved}", outside the working directory ` +
          `${realRoot}: sdp reads and writes only inside it, after following symbolic links. ` +
          `Replace the link with a real ${r.exists ? "file or folder" : "folder"} under the ` +
          `working directory`,
        path,
        r.resolved,
      );
    }
    return r;
  }

  async function checkTree(path: string, what: string): Promise<void> {
    const top = await check(path, what);
    if (!top.exists) return;
    const seen = new Set<string>();
    let budget = TREE_ENTRY_LIMIT;
    const walk = async (dir: string, real: string): Promise<void> => {
      if (seen.has(real)) return;
      seen.add(real);
      let entries: Deno.DirEntry[];
      try {
        entries = await Array.fromAsync(Deno.readDir(dir));
      } catch (err) {
        if (err instanceof Deno.errors.NotADirectory || err instanceof Deno.errors.NotFound) return;
        throw err;
      }
      for (const e of entries) {
        if (--budget < 0) return;
        const child = `${dir}/${e.name}`;
        if (e.isSymlink) {
          const r = await check(child, `${what}: link`);
          // Another process may remove the entry meanwhile (a staging folder renamed).
          const st = r.exists ? await Deno.stat(child).catch(() => undefined) : undefined;
          if (st?.isDirectory) await walk(child, r.resolved);
        } else if (e.isDirectory) {
          await walk(child, `${real}/${e.name}`);
        }
      }
    };
    await walk(trimSlash(path), top.resolved);
  }

  async function checkCredentialsFile(path: string): Promise<void> {
    const abs = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
    try {
      await Deno.lstat(abs);
    } catch (err) {
      // Missing: the caller's read says so. Not permitted: the caller reports it.
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) return;
      throw err;
    }
    if (inside(abs) || inside(await realOrSelf(parentOf(abs)))) {
      await check(path, "Kaggle credentials file");
      return;
    }
    let real: string;
    try {
      real = await Deno.realPath(abs);
    } catch {
      throw new SandboxError(
        `Kaggle credentials file "${path}" is a link that leads nowhere; replace it with the file`,
        path,
      );
    }
    const st = await Deno.stat(real);
    if (baseName(real) !== "kaggle.json" || !st.isFile) {
      throw new SandboxError(
        `Kaggle credentials file "${path}" resolves to "${real}", which is not a file named ` +
          `kaggle.json; sdp reads credentials only from kaggle.json itself (a link may point to ` +
          `another kaggle.json, nothing else)`,
        path,
        real,
      );
    }
  }

  return { root: realRoot, check, checkTree, checkCredentialsFile };
}

/**
 * Resolve the links of `path` (relative to the working directory or absolute):
 * the real path of its longest
 * existing prefix plus the rest. Throws {@link SandboxError} for a dangling
 * link or a `..` in the part that does not exist yet.
 */
export async function resolveLinks(path: string): Promise<Resolution> {
  const absolute = path.startsWith("/");
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  const join = (ps: string[]) => absolute ? `/${ps.join("/")}` : ps.length ? ps.join("/") : ".";
  for (let k = parts.length; k >= 0; k--) {
    const prefix = join(parts.slice(0, k));
    let real: string;
    try {
      real = await Deno.realPath(prefix);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) continue;
      if (err instanceof Deno.errors.NotCapable) throw err;
      // A link loop, a folder sdp may not search: what it leads to is unknown.
      throw new SandboxError(
        `cannot be resolved (${(err as Error).name}: ${(err as Error).message})`,
        path,
      );
    }
    const rest = parts.slice(k);
    if (rest.length === 0) return { resolved: real, exists: true };
    if (rest.includes("..")) {
      throw new SandboxError(`".." after a part that does not exist`, path);
    }
    const next = join(parts.slice(0, k + 1));
    if (await isLink(next)) {
      throw new SandboxError(
        `"${next}" is a symbolic link to "${await Deno.readLink(next)}", which does not ` +
          `exist; writing through it would create its target`,
        path,
      );
    }
    return { resolved: `${real === "/" ? "" : real}/${rest.join("/")}`, exists: false };
  }
  return { resolved: path, exists: false };
}

async function isLink(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isSymlink;
  } catch {
    return false;
  }
}

async function realOrSelf(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    return path;
  }
}

function named(err: SandboxError, path: string, what: string): SandboxError {
  return new SandboxError(`${what} "${path}": ${err.message}`, path, err.resolved);
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

function parentOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}
