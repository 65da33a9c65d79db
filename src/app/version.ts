// Replaced at bundle time; the fallback serves tsx/vitest runs from source.
declare const __PMC_VERSION__: string | undefined;
export const VERSION: string = typeof __PMC_VERSION__ === 'string' ? __PMC_VERSION__ : '0.0.0-dev';
