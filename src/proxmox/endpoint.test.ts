import { describe, expect, it } from 'vitest';
import { endpointBase } from './endpoint.js';

describe('endpointBase: what users type -> the address to save and show', () => {
  it.each([
    ['pve.example.com', 'https://pve.example.com:8006'],
    ['pve.example.com:8443', 'https://pve.example.com:8443'],
    ['https://pve.example.com:8006/', 'https://pve.example.com:8006'],
    ['https://10.0.0.5:8006/api2/json', 'https://10.0.0.5:8006'],
    ['https://[::1]:8006', 'https://[::1]:8006'],
    ['https://proxy.example.com/pve', 'https://proxy.example.com/pve'],
  ])('%s -> %s', (input, expected) => {
    expect(endpointBase(input)).toBe(expected);
  });

  it.each([
    ['', /endpoint is empty/],
    ['ftp://pve:8006', /unsupported scheme/],
    ['https://pve:99999', /not a valid PVE address/],
    ['https://exa mple', /not a valid PVE address/],
  ])('refuses %j with one clear line', (input, message) => {
    expect(() => endpointBase(input)).toThrow(message);
  });
});
