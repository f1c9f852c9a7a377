/**
 * Which Segmind a script talks to, read from the environment the same way by the demo and the
 * smoke run: SEGMIND_API_KEY, and SEGMIND_BASE_URL for a proxy or a test server.
 */
import { SEGMIND_ORIGIN } from '../fake-segmind/recording';

/** What the demo paints, and the smoke run's one Generate. */
export const DEFAULT_PROMPT = 'goddess woman playing guitar with passion in saree';

export interface SegmindTarget {
	apiKey: string;
	baseUrl: string;
}

/** The key and Base URL the environment names; undefined when it sets no key. */
export function segmindFromEnv(env: NodeJS.ProcessEnv = process.env): SegmindTarget | undefined {
	const apiKey = env.SEGMIND_API_KEY?.trim();
	if (!apiKey) return undefined;
	return { apiKey, baseUrl: env.SEGMIND_BASE_URL?.trim() || SEGMIND_ORIGIN };
}

/** The Base URL as it may be shown: a proxy's may hold a user and password, or a token. */
export function shownUrl(baseUrl: string): string {
	if (!URL.canParse(baseUrl)) return baseUrl;
	const url = new URL(baseUrl);
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
