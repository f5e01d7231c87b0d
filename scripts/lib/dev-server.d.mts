// Types for dev-server.mjs, the plain ESM helper shared by `npm start`, the bench and the tests.
import type { ChildProcess } from 'node:child_process'

export const ROOT: string
export const DEV_ENV: string
export function secret(bytes?: number): string
export function freePort(): Promise<number>
export function readVars(path: string): Record<string, string>
export function writeVars(path: string, vars: Record<string, string>, header: string): void
export function ensureDevVars(path?: string): {
  vars: Record<string, string>
  added: string[]
}
export function sandbox(devVars?: Record<string, string>): {
  dir: string
  persistTo: string
  remove(): void
}
export function applyMigrations(opts?: {
  dir?: string
  persistTo?: string
  env?: string | null
}): void
export type DevServer = {
  url: string
  child: ChildProcess
  stop(): Promise<void>
  output(): string
}
export function startDevServer(opts: {
  port: number
  dir?: string
  env?: string | null
  persistTo?: string
  ready?: 'ok' | 'any'
  log?: (line: string) => void
}): Promise<DevServer>
