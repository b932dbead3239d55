/**
 * playwright-core, loaded so that it also runs under the permission sets of deno.json. When it
 * loads, it asks `fs.existsSync("/proc/sys/fs/binfmt_misc/WSLInterop")` (is this WSL?); Deno lets
 * only a program with every permission look under /proc, and its `existsSync` then throws
 * NotCapable where Node's answers false. So, before playwright loads, `existsSync` answers false
 * for a path it may not look at, as Node's does for any path it cannot see.
 *
 * @module
 */
import fs from "node:fs";

const existsSync = fs.existsSync;
fs.existsSync = (path: fs.PathLike) => {
  try {
    return existsSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return false;
    throw error;
  }
};

const playwright = await import("playwright-core");

/** Playwright's Chromium launcher (always given Debian's /usr/bin/chromium here). */
export const chromium = playwright.chromium;
export type { Browser, Page } from "playwright-core";
