/**
 * @module A config snapshot: the bytes of every file a parse read (the main file, its
 * `@include`s, their glob results), so several processes parse exactly the same config. The
 * supervisor of `<system> workers N` records one while it validates the config for every worker
 * and hands it to the workers (at start, on reload, to a worker it restarts); a worker parses from
 * it, never from the disk, so a file edited between the validation and a worker's parse cannot
 * make the workers disagree or run something that was not validated.
 *
 * @example
 * const recorder = recordingFiles()
 * loadConfigFile(path, { files: recorder })
 * const snapshot = recorder.snapshot(path)
 * loadConfigFile(path, { files: replayFiles(snapshot) }) // same result, no disk access
 */

import { DISK, type FileAccess } from './load.ts'

/** Plain data (sent over IPC as JSON). */
export interface ConfigSnapshot {
  /** The main config file. */
  path: string
  /** Fluentd's `-i` text appended to it. */
  inline?: string
  /** Each file read: its text, or the message of the error reading it gave. */
  files: Record<string, { text: string } | { error: string }>
  /** Each glob pattern expanded, with the files it matched. */
  globs: Record<string, string[]>
}

export interface RecordingFiles extends FileAccess {
  snapshot(path: string, inline?: string): ConfigSnapshot
}

/** Reads the disk and remembers what it read (the first read of a path wins). */
export function recordingFiles(disk: FileAccess = DISK): RecordingFiles {
  const files: ConfigSnapshot['files'] = {}
  const globs: ConfigSnapshot['globs'] = {}
  return {
    readFile(path) {
      const seen = files[path]
      if (seen !== undefined) {
        if ('error' in seen) throw new Error(seen.error)
        return seen.text
      }
      try {
        const text = disk.readFile(path)
        files[path] = { text }
        return text
      } catch (error) {
        files[path] = { error: error instanceof Error ? error.message : String(error) }
        throw error
      }
    },
    glob(pattern) {
      globs[pattern] ??= disk.glob(pattern)
      return [...globs[pattern]]
    },
    snapshot: (path, inline) => ({ path, ...(inline !== undefined ? { inline } : {}), files: { ...files }, globs: { ...globs } }),
  }
}

/** Serves a snapshot; a file or glob it lacks is an error (it was never validated). */
export function replayFiles(snapshot: ConfigSnapshot): FileAccess {
  return {
    readFile(path) {
      const file = snapshot.files[path]
      if (file === undefined) throw new Error(`${path} is not in the validated config snapshot`)
      if ('error' in file) throw new Error(file.error)
      return file.text
    },
    glob(pattern) {
      const found = snapshot.globs[pattern]
      if (found === undefined) throw new Error(`the @include pattern ${pattern} is not in the validated config snapshot`)
      return [...found]
    },
  }
}

/** The main file's text as validated ('' when it could not be read). */
export function mainText(snapshot: ConfigSnapshot): string {
  const file = snapshot.files[snapshot.path]
  return file !== undefined && 'text' in file ? file.text : ''
}
