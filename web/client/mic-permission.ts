/**
 * Whether the browser has blocked the microphone for this site, read from the Permissions API
 * without asking for the microphone itself: nothing is requested on page load, and a blocked
 * microphone is said before a call fails on it.
 */
import { useEffect, useState } from "preact/hooks";

/** True while the microphone permission is "denied"; false when allowed, unasked or unknown. */
export function useMicBlocked(): boolean {
  const [blocked, setBlocked] = useState(false);
  useEffect(() => {
    let status: PermissionStatus | null = null;
    const read = () => setBlocked(status?.state === "denied");
    // Firefox and older Safari do not know the "microphone" name: they simply say nothing.
    navigator.permissions?.query({ name: "microphone" as PermissionName }).then((found) => {
      status = found;
      read();
      found.addEventListener("change", read);
    }, () => {});
    return () => status?.removeEventListener("change", read);
  }, []);
  return blocked;
}
