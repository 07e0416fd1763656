/** Shape of a benchmark app, read from the environment so one compiled app serves every run. */
export interface AppShape {
  /** Number of cluster stacks. */
  readonly clusters: number;
  /** Routes (exposed services) per cluster. */
  readonly routes: number;
  /** Output directory of the cloud assembly. */
  readonly outdir: string;
}

/** Reads BENCH_CLUSTERS, BENCH_ROUTES and BENCH_OUTDIR. */
export function shapeFromEnv(): AppShape {
  return {
    clusters: Number(process.env.BENCH_CLUSTERS ?? '1'),
    routes: Number(process.env.BENCH_ROUTES ?? '1'),
    outdir: process.env.BENCH_OUTDIR ?? 'cdk.out',
  };
}
