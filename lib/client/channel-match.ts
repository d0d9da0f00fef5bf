import { channelTypesOf } from "../channels";
import type { ChannelFilter } from "./types";

// The "would this channel match?" preview: the same channel types as the server (lib/channels.ts),
// with a reason per filter field. The API re-validates the pattern (ReDoS check) on save.

export type MatchPreview = {
  matches: boolean;
  reasons: Array<{ field: string; ok: boolean; text: string }>;
  patternError?: string;
};

export function previewChannelMatch(filter: ChannelFilter, channel: string): MatchPreview {
  const reasons: MatchPreview["reasons"] = [];
  let patternError: string | undefined;
  if (filter.channelType) {
    const types = channelTypesOf(channel);
    reasons.push({
      field: "channelType",
      ok: types.has(filter.channelType),
      text: `channel type is ${[...types].join(" + ")}; filter wants ${filter.channelType}`,
    });
  }
  if (filter.channelPrefix)
    reasons.push({
      field: "channelPrefix",
      ok: channel.startsWith(filter.channelPrefix),
      text: `starts with "${filter.channelPrefix}"`,
    });
  if (filter.channelSuffix)
    reasons.push({
      field: "channelSuffix",
      ok: channel.endsWith(filter.channelSuffix),
      text: `ends with "${filter.channelSuffix}"`,
    });
  if (filter.channelPattern) {
    try {
      const ok = new RegExp(filter.channelPattern).test(channel);
      reasons.push({ field: "channelPattern", ok, text: `matches /${filter.channelPattern}/` });
    } catch (error) {
      patternError = (error as Error).message;
      reasons.push({
        field: "channelPattern",
        ok: false,
        text: "pattern is not a valid regular expression",
      });
    }
  }
  return { matches: reasons.every((reason) => reason.ok), reasons, patternError };
}
