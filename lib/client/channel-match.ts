import type { ChannelFilter, ChannelType } from "./types";

// The browser-side preview of lib/matching.ts for the "would this channel match?" check.
// lib/matching.ts pulls in the ReDoS checker (recheck), too heavy for the browser; the API
// re-validates the pattern when the endpoint is saved, and the worker uses lib/matching.ts.

export function channelTypesOf(channel: string): Set<ChannelType> {
  const types = new Set<ChannelType>();
  let rest = channel;
  for (const [prefix, type] of [["private-encrypted-", "private-encrypted"], ["private-", "private"], ["presence-", "presence"]] as const) {
    if (rest.startsWith(prefix)) {
      types.add(type);
      rest = rest.slice(prefix.length);
      break;
    }
  }
  if (rest.startsWith("cache-")) types.add("cache");
  if (!types.has("private") && !types.has("presence") && !types.has("private-encrypted")) types.add("public");
  return types;
}

export type MatchPreview = { matches: boolean; reasons: Array<{ field: string; ok: boolean; text: string }>; patternError?: string };

export function previewChannelMatch(filter: ChannelFilter, channel: string): MatchPreview {
  const reasons: MatchPreview["reasons"] = [];
  let patternError: string | undefined;
  if (filter.channelType) {
    const types = channelTypesOf(channel);
    reasons.push({ field: "channelType", ok: types.has(filter.channelType), text: `channel type is ${[...types].join(" + ")}; filter wants ${filter.channelType}` });
  }
  if (filter.channelPrefix) reasons.push({ field: "channelPrefix", ok: channel.startsWith(filter.channelPrefix), text: `starts with "${filter.channelPrefix}"` });
  if (filter.channelSuffix) reasons.push({ field: "channelSuffix", ok: channel.endsWith(filter.channelSuffix), text: `ends with "${filter.channelSuffix}"` });
  if (filter.channelPattern) {
    try {
      const ok = new RegExp(filter.channelPattern).test(channel);
      reasons.push({ field: "channelPattern", ok, text: `matches /${filter.channelPattern}/` });
    } catch (error) {
      patternError = (error as Error).message;
      reasons.push({ field: "channelPattern", ok: false, text: "pattern is not a valid regular expression" });
    }
  }
  return { matches: reasons.every((reason) => reason.ok), reasons, patternError };
}
