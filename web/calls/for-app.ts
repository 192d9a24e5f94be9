import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { Hub } from "../signal/hub.ts";
import type { Store } from "../store/types.ts";
import { type CallService, createCallService } from "./service.ts";

/**
 * The call service as the app uses it: finished calls go to the store (whose insert ignores a
 * repeated id), callees are active users found by CareFlow ID, limits come from configuration.
 */
export function callServiceForApp(
  deps: { store: Store; hub: Hub; config: Pick<Config, "calls">; logger: Logger },
): CallService {
  const { store, logger } = deps;
  return createCallService({
    hub: deps.hub,
    recordCall: (record) => store.insertCall(record),
    async lookupUser(care4wId) {
      const user = await store.findUserByCare4wId(care4wId);
      return user?.isActive
        ? { userId: user.id, care4wId: user.care4wId, displayName: user.displayName }
        : null;
    },
    ...deps.config.calls,
    onError: (error) =>
      logger.error("call service error", {
        error: error instanceof Error ? error.name : "unknown",
        detail: error instanceof Error ? error.message.slice(0, 200) : undefined,
      }),
  });
}
