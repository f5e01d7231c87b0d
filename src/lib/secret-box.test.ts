import { describe, expect, it } from 'vitest'
import { open, seal } from './secret-box'

const SECRET = 'deployment-secret-0123456789abcdef'
const KEYS = '{"consumerKey":"ck_0123456789abcdef","consumerSecret":"cs_0123456789abcdef"}'
/** Sealed by the first version (v1: no store binding), as rows written before it hold. */
const V1_BOX =
  'v1.fTr8L_UFNaMP5DwF_SdRwMPeLWaFUmqU3aAqBJCTjE9W8_dxUts6_XoblxhKbsRtkShvs_NORFFcy-N_9DI-FcwWyWgPKwE1q1_WAFsERl3Af6vYOyR4IO0YaLaCjtL1hwdHURrNjLM'

describe('secret box', () => {
  it('opens what it sealed, and nothing sealed under another secret or changed', async () => {
    const box = await seal(SECRET, 'st_a', 'cs_live_123')
    expect(box).toMatch(/^v2\./)
    expect(box).not.toContain('cs_live_123')
    expect(await open(SECRET, 'st_a', box)).toEqual({ text: 'cs_live_123', legacy: false })
    expect(await open('another-secret-0123456789abcdefgh', 'st_a', box)).toBeNull()
    expect(await open(SECRET, 'st_a', `${box.slice(0, -2)}AA`)).toBeNull()
    expect(await open(SECRET, 'st_a', 'garbage')).toBeNull()
    expect(await open(SECRET, 'st_a', `v3${box.slice(2)}`)).toBeNull()
  })

  it('binds a box to its store: moved to another store, it does not open', async () => {
    const box = await seal(SECRET, 'st_a', KEYS)
    expect(await open(SECRET, 'st_b', box)).toBeNull()
    expect(await open(SECRET, 'st_a', box)).toEqual({ text: KEYS, legacy: false })
  })

  it('still opens a box of the old format, flagged for sealing again', async () => {
    expect(await open(SECRET, 'st_any', V1_BOX)).toEqual({ text: KEYS, legacy: true })
    expect(await open('another-secret-0123456789abcdefgh', 'st_any', V1_BOX)).toBeNull()
    // The v2 key is not the v1 key: an old box relabelled v2 does not open.
    expect(await open(SECRET, 'st_any', `v2${V1_BOX.slice(2)}`)).toBeNull()
  })

  it('seals the same text differently each time', async () => {
    expect(await seal('s'.repeat(32), 'st_a', 'x')).not.toBe(
      await seal('s'.repeat(32), 'st_a', 'x'),
    )
  })
})
