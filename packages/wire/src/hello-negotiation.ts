import { ALL_FEATURES, Feature, hasFeature } from "./features.js";

/** What a connection speaks after `hel`/`hey` (or, with no hello, the seed protocol alone). */
export interface NegotiatedFeatures {
  /** The bits both sides have, as sent in `hey`. */
  readonly features: number;
  /** `ok`/`lin`/`snt`/`erx`/`bye` instead of the seed's `suc`/`err` texts. */
  readonly structured: boolean;
  /** `dlv` with sequence numbers, acknowledged by the client, instead of `nms`. */
  readonly sequenced: boolean;
  /** `png`/`pog` in both directions, and the heartbeat timeout. */
  readonly heartbeat: boolean;
  /** Compact framing in both directions from the frame after `hel` (client) and after `hey` (server). */
  readonly compact: boolean;
}

/** A seed client's features: none. */
export const SEED_FEATURES: NegotiatedFeatures = {
  features: 0,
  structured: false,
  sequenced: false,
  heartbeat: false,
  compact: false,
};

/** The features a `hel` asking for `requested` gets: the ones this package implements. */
export function negotiateHello(requested: number): NegotiatedFeatures {
  const features = requested & ALL_FEATURES;
  return {
    features,
    structured: hasFeature(features, Feature.structuredReplies),
    sequenced: hasFeature(features, Feature.sequencedDelivery),
    heartbeat: hasFeature(features, Feature.heartbeat),
    compact: hasFeature(features, Feature.compactFrames),
  };
}
