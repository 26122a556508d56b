/** The part of madge's API (it ships no types) the dependency test uses. */
declare module 'madge' {
  interface MadgeResult {
    /** Every module found, with the modules it imports (paths relative to the base folder). */
    obj(): Record<string, string[]>;
    /** Each import cycle as the list of modules on it. */
    circular(): string[][];
  }
  interface MadgeConfig {
    fileExtensions?: string[];
    tsConfig?: string;
  }
  function madge(path: string, config?: MadgeConfig): Promise<MadgeResult>;
  export default madge;
}
