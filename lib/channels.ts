// Pusher channel naming, shared by the server (lib/matching.ts) and the dashboard's live
// "would this channel match?" preview; no dependencies, so it is safe in the browser.

export const CHANNEL_TYPES = [
  "public",
  "private",
  "presence",
  "private-encrypted",
  "cache",
] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export type ChannelFilter = {
  channelType?: ChannelType;
  channelPrefix?: string;
  channelSuffix?: string;
  channelPattern?: string;
};

/**
 * The types a channel belongs to, from its Pusher prefix. Cache channels are also of their base
 * type: `presence-cache-room` is both `presence` and `cache`.
 */
export function channelTypesOf(channel: string): Set<ChannelType> {
  const types = new Set<ChannelType>();
  let rest = channel;
  if (rest.startsWith("private-encrypted-")) {
    types.add("private-encrypted");
    rest = rest.slice("private-encrypted-".length);
  } else if (rest.startsWith("private-")) {
    types.add("private");
    rest = rest.slice("private-".length);
  } else if (rest.startsWith("presence-")) {
    types.add("presence");
    rest = rest.slice("presence-".length);
  }
  if (rest.startsWith("cache-")) types.add("cache");
  if (!types.has("private") && !types.has("presence") && !types.has("private-encrypted"))
    types.add("public");
  return types;
}
