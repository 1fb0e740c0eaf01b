export interface Scenario {
  about: string;
  shell: string;
  parse: (ids: string) => Record<string, unknown>;
}
export declare const SCENARIOS: Record<'sleeper-stress' | 'pingpong' | 'ring', Scenario>;
