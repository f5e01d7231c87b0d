/**
 * Tells Cartback that this page rebuilt a restored cart: that, not the link's GET, is the
 * restore (mail scanners open every link). Sent as a beacon, so it survives the navigation to
 * checkout that follows; text/plain, so no preflight.
 */
export function reportRebuilt(url: string) {
  const body = '{}'
  if (navigator.sendBeacon?.(url, new Blob([body], { type: 'text/plain' }))) return
  fetch(url, {
    method: 'POST',
    body,
    keepalive: true,
    headers: { 'Content-Type': 'text/plain' },
  }).catch(() => {})
}
