import { describe, expect, it } from 'vitest';
import { normalizeEndpoint } from './endpoint.js';

describe('normalizeEndpoint', () => {
  it.each([
    ['pve.example.com', 'https://pve.example.com:8006'],
    ['pve.example.com:8443', 'https://pve.example.com:8443'],
    ['https://pve.example.com:8006/', 'https://pve.example.com:8006'],
    ['https://10.0.0.5:8006/api2/json', 'https://10.0.0.5:8006'],
    ['https://[::1]:8006', 'https://[::1]:8006'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeEndpoint(input)).toBe(expected);
  });

  it.each([
    ['', /endpoint is empty/],
    ['http://pve:8006', /https only/],
    ['https://pve:99999', /malformed endpoint URL/],
    ['https://pve:8006/somewhere', /unexpected path/],
    ['https://exa mple', /malformed endpoint URL/],
  ])('refuses %j with one clear line', (input, message) => {
    expect(() => normalizeEndpoint(input)).toThrow(message);
  });
});
