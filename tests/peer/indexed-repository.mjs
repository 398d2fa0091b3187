// MemoryRepository with an index for token searches on `identifier` and `_tag` (system|value),
// for the integration tests only. Medplum's MemoryRepository evaluates every search against every
// stored resource of the type, so each conditional create in a record's transaction scans the
// whole store (1.5 s per transaction at 200 records), and delivery tests measured the test server
// instead of selvhjelp. The index only narrows the candidates: each candidate still goes through
// Medplum's own matcher, so results are exactly what the unindexed repository returns.
import { MemoryRepository } from '@medplum/fhir-router';

const INDEXED = { identifier: (r) => r.identifier ?? [], _tag: (r) => (r.meta?.tag ?? []).map((t) => ({ system: t.system, value: t.code })) };

// Medplum matches token systems and values case-insensitively; so does the index.
const key = (type, param, system, value) => `${type}\n${param}\n${system.toLowerCase()}\n${value.toLowerCase()}`;

export class IndexedMemoryRepository extends MemoryRepository {
  constructor() {
    super();
    this.tokenIndex = new Map();  // key -> Set of ids; a superset: stale ids are dropped by the matcher
  }

  // Every write (create, update, conditional create) goes through this method of MemoryRepository.
  createResourceSync(resource, options, update = false) {
    const stored = super.createResourceSync(resource, options, update);
    for (const [param, tokens] of Object.entries(INDEXED)) {
      for (const t of tokens(stored)) {
        if (!t?.system || !t?.value) continue;
        const k = key(stored.resourceType, param, t.system, t.value);
        if (!this.tokenIndex.has(k)) this.tokenIndex.set(k, new Set());
        this.tokenIndex.get(k).add(stored.id);
      }
    }
    return stored;
  }

  clear() {
    super.clear();
    this.tokenIndex.clear();
  }

  searchSync(request) {
    const filter = (request.filters ?? []).find((f) => f.code in INDEXED && f.operator === 'eq' &&
      typeof f.value === 'string' && !f.value.includes(',') && f.value.indexOf('|') > 0);
    const all = this.resources;
    const byId = all.get(request.resourceType);
    if (!filter || !byId) return super.searchSync(request);
    const split = filter.value.indexOf('|');
    const ids = this.tokenIndex.get(key(request.resourceType, filter.code, filter.value.slice(0, split), filter.value.slice(split + 1))) ?? [];
    const candidates = new Map();
    for (const id of ids) if (byId.has(id)) candidates.set(id, byId.get(id));
    const narrowed = new Map(all);
    narrowed.set(request.resourceType, candidates);
    this.resources = narrowed;
    try {
      return super.searchSync(request);
    } finally {
      this.resources = all;
    }
  }
}
