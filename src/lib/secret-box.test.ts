import { describe, expect, it } from 'vitest'
import { open, seal } from './secret-box'

describe('secret box', () => {
  it('opens what it sealed, and nothing sealed under another secret or changed', async () => {
    const box = await seal('deployment-secret-0123456789abcdef', 'cs_live_123')
    expect(box).not.toContain('cs_live_123')
    expect(await open('deployment-secret-0123456789abcdef', box)).toBe('cs_live_123')
    expect(await open('another-secret-0123456789abcdefgh', box)).toBeNull()
    expect(await open('deployment-secret-0123456789abcdef', `${box.slice(0, -2)}AA`)).toBeNull()
    expect(await open('deployment-secret-0123456789abcdef', 'garbage')).toBeNull()
  })

  it('seals the same text differently each time', async () => {
    expect(await seal('s'.repeat(32), 'x')).not.toBe(await seal('s'.repeat(32), 'x'))
  })
})
