// Just enough SDP reading (RFC 8866) for assertions on the server's offers and answers.

// The session's first a=ice-ufrag (BUNDLE: every m-section carries the same one).
export function iceUfrag(sdp) {
  return sdp.match(/^a=ice-ufrag:(\S+)/m)?.[1];
}

// Each m-section as { media, mid, direction, msid }: `direction` is the a=sendrecv, sendonly,
// recvonly or inactive line (sendrecv when there is none, RFC 8866 §6.7), `msid` the a=msid
// value or undefined.
export function mediaSections(sdp) {
  return sdp
    .split(/\r?\n(?=m=)/)
    .slice(1)
    .map((section) => {
      const attribute = (name) => section.match(new RegExp(`^a=${name}:(.*?)\\r?$`, 'm'))?.[1];
      return {
        media: section.match(/^m=(\S+)/)[1],
        mid: attribute('mid'),
        direction:
          section.match(/^a=(sendrecv|sendonly|recvonly|inactive)\r?$/m)?.[1] ?? 'sendrecv',
        msid: attribute('msid'),
      };
    });
}
