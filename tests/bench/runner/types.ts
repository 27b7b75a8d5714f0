/** Shapes passed between the bench runner, the load child (load.ts) and the dataset manifest. */

/** What `npm run bench:data` writes beside the database (tests/bench/.data/city-<size>.json). */
export interface Manifest {
  size: string;
  issues: number;
  db: string;
  password: string;
  accounts: {
    resident: string;
    property: string;
    committee: string;
    community: string;
    admin: string;
    voters: string[];
  };
  ids: {
    communityId: number;
    estateId: number;
    longIssueId: number;
    publicIssueId: number;
    proposalId: number;
    categoryId: number;
    buildingId: number;
  };
  generatedIn: number;
  /** Where `bench:data --postgresql` loaded the city: a database of the kept cluster in `dataDir`. */
  postgresql?: { dataDir: string; database: string; loadedIn: number };
}

/** One concrete request, for a load that sends a fixed list (each entry once, in order). */
export interface ListedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** The load child's input (JSON on stdin). */
export interface LoadConfig {
  /** http://127.0.0.1:<port> */
  origin: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Replaced in the path and body by a token unique to each request (submission keys, comment text). */
  unique?: string;
  /** Sends these requests once each, in order, across all connections, then stops. */
  list?: ListedRequest[];
  connections: number;
  /** Seconds, when `list` is not given. */
  duration: number;
}

/** The load child's output (one JSON line on stdout), the parts of autocannon's result the report uses. */
export interface LoadResult {
  /** Mean of the per-second request counts (autocannon's requests.average). */
  rps: number;
  /** Responses received. */
  total: number;
  /** Seconds the load ran. */
  seconds: number;
  latency: { p50: number; p90: number; p99: number; mean: number; max: number };
  /** Responses by status code. */
  statusCodes: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
}
