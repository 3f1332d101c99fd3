/** @module What the Chromium test page publishes on `window` for the test to read back. */
import type { CheckResult } from '../cross-runtime/core-checks.ts'

declare global {
  interface Window {
    __results?: CheckResult[]
    __parserResults?: CheckResult[]
    __error?: string
  }
}
