import { escapeHtml } from '../../lib/encoding'
import type { Preview } from '../preview-message'

const DOC_STYLE =
  'body{margin:0;font:14px/1.45 system-ui,sans-serif;color:#0f172a;background:#f8fafc}' +
  '.bar{padding:10px 14px;background:#fff;border-bottom:1px solid #e2e8f0}.bar b{display:block}' +
  '.bar span{color:#64748b}.phone{padding:18px}.bubble{background:#e2e8f0;border-radius:16px;' +
  'padding:10px 14px;max-width:300px;white-space:pre-wrap;overflow-wrap:anywhere}' +
  '.meta{color:#475569;margin-top:10px}.bad{color:#b91c1c;padding:14px}.ok{color:#047857}'

/** A small HTML document in the preview frame's style. */
export const doc = (inner: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><style>${DOC_STYLE}</style></head><body>${inner}</body></html>`

/** The preview frame's document: the email itself under a subject bar, or the text bubble. */
export function previewDocument(p: Preview): string {
  if (p.channel === 'email') {
    const bar = `<div class="bar"><b>${escapeHtml(p.subject)}</b><span>${escapeHtml(p.preheader)}</span></div>`
    const style = `<style>${DOC_STYLE}</style>`
    // Functions, not strings, as replacements: a subject such as "Save $15" has `$` patterns.
    return p.html
      .replace(/<head>/i, (head) => `${head}${style}`)
      .replace(/<body([^>]*)>/i, (body) => `${body}${bar}`)
  }
  if ('error' in p) {
    return doc(
      `<p class="bad">This text needs ${p.segments} segments even without the first name; at most 2 are allowed. Shorten it.</p>`,
    )
  }
  const worst = p.worstCase
  const fits = worst.segments <= p.maxSegments
  return doc(
    `<div class="phone"><div class="bubble">${escapeHtml(p.text)}</div>` +
      `<p class="meta">${p.units} ${p.encoding === 'GSM-7' ? 'characters' : 'UCS-2 units'} · ${p.encoding} · <b>${p.segments} segment${p.segments === 1 ? '' : 's'}</b> of ${p.maxSegments}</p>` +
      `<p class="meta ${fits ? 'ok' : 'bad'}">At its longest (long names, the link, the STOP line): ${worst.segments} segment${worst.segments === 1 ? '' : 's'}${fits ? '' : ' — too long to save'}</p></div>`,
  )
}
