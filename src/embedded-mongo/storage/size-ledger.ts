/**
 * What collStats, dbStats and listDatabases report, kept instead of counted: documents and their BSON bytes per
 * collection (document_counts), entries and their key + id bytes per index tree (index_trees). Every write adds
 * its change to an in-memory delta that is written in the same transaction, just before COMMIT, so the figures
 * are exact and reading them reads one row. A collection or tree of an older data file (no figure kept yet) is
 * counted once, when first asked, and kept from then on.
 */
import type { Database, Statement } from 'better-sqlite3';

export interface Tally {
  /** documents, or index entries */
  n: number;
  /** BSON bytes of the documents, or key + id bytes of the entries (an id counted in characters: ASCII for ObjectIds) */
  bytes: number;
}

function addTo<K>(map: Map<K, Tally>, key: K, n: number, bytes: number): void {
  const t = map.get(key);
  if (t) {
    t.n += n;
    t.bytes += bytes;
  } else map.set(key, { n, bytes });
}

function hasColumn(db: Database, table: string, column: string): boolean {
  return (db.prepare(`SELECT 1 FROM pragma_table_info('${table}') WHERE name = ?`).get(column) as unknown) !== undefined;
}

export class SizeLedger {
  private readonly documents = new Map<string, Tally>();
  private readonly trees = new Map<number, Tally>();
  private readonly readCollection: Statement;
  private readonly countCollection: Statement;
  private readonly putCollection: Statement;
  private readonly addCollection: Statement;
  private readonly readTree: Statement;
  private readonly countTree: Statement;
  private readonly putTree: Statement;
  private readonly addTree: Statement;
  private readonly forgetTreeStmt: Statement;

  constructor(db: Database) {
    // Data files from before the byte figures: the columns start NULL ("not kept yet"), filled when first asked.
    if (!hasColumn(db, 'document_counts', 'bytes')) db.exec('ALTER TABLE document_counts ADD COLUMN bytes INTEGER');
    if (!hasColumn(db, 'index_trees', 'entries')) db.exec('ALTER TABLE index_trees ADD COLUMN entries INTEGER; ALTER TABLE index_trees ADD COLUMN entry_bytes INTEGER');
    this.readCollection = db.prepare('SELECT n, bytes FROM document_counts WHERE ns = ?');
    this.countCollection = db.prepare('SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS bytes FROM documents WHERE ns = ?');
    this.putCollection = db.prepare('INSERT OR REPLACE INTO document_counts (ns, n, bytes) VALUES (?, ?, ?)');
    // bytes still NULL (an older file) stays NULL: counted when first asked, while the count is kept as before
    this.addCollection = db.prepare('UPDATE document_counts SET n = n + ?, bytes = bytes + ? WHERE ns = ?');
    this.readTree = db.prepare('SELECT entries AS n, entry_bytes AS bytes FROM index_trees WHERE ix = ?');
    this.countTree = db.prepare('SELECT count(*) AS n, coalesce(sum(length(key) + length(id)), 0) AS bytes FROM index_entries WHERE ix = ?');
    this.putTree = db.prepare('UPDATE index_trees SET entries = ?, entry_bytes = ? WHERE ix = ?');
    this.forgetTreeStmt = db.prepare('UPDATE index_trees SET entries = NULL, entry_bytes = NULL WHERE ix = ?');
    this.addTree = db.prepare('UPDATE index_trees SET entries = entries + ?, entry_bytes = entry_bytes + ? WHERE ix = ? AND entries IS NOT NULL');
  }

  documentsChanged(ns: string, n: number, bytes: number): void {
    addTo(this.documents, ns, n, bytes);
  }

  entriesChanged(ix: number, n: number, bytes: number): void {
    addTo(this.trees, ix, n, bytes);
  }

  /** Documents in a collection (the open transaction's changes included): a kept count is enough, bytes or not. */
  count(ns: string): number {
    const kept = this.readCollection.get(ns) as { n: number; bytes: number | null } | undefined;
    return kept ? kept.n + (this.documents.get(ns)?.n ?? 0) : this.collection(ns).n;
  }

  /** Documents and bytes of a collection, the open transaction's changes included. */
  collection(ns: string): Tally {
    const kept = this.readCollection.get(ns) as { n: number; bytes: number | null } | undefined;
    if (kept && kept.bytes !== null) {
      const d = this.documents.get(ns);
      return d ? { n: kept.n + d.n, bytes: kept.bytes + d.bytes } : { n: kept.n, bytes: kept.bytes };
    }
    // counted whole (the open transaction's rows included), so its delta is already in the figure
    const counted = this.countCollection.get(ns) as Tally;
    this.documents.delete(ns);
    this.putCollection.run(ns, counted.n, counted.bytes);
    return counted;
  }

  /** Entries and bytes of an index tree (the caller writes its deferred entries first). */
  tree(ix: number): Tally {
    const kept = this.readTree.get(ix) as { n: number | null; bytes: number | null } | undefined;
    if (kept && kept.n !== null && kept.bytes !== null) {
      const d = this.trees.get(ix);
      return d ? { n: kept.n + d.n, bytes: kept.bytes + d.bytes } : { n: kept.n, bytes: kept.bytes };
    }
    const counted = this.countTree.get(ix) as Tally;
    this.trees.delete(ix);
    this.putTree.run(counted.n, counted.bytes, ix);
    return counted;
  }

  /** Bytes of every collection's documents and of every tree's entries (figures not kept yet are counted first, once). */
  totals(db: Database): { documentBytes: number; entryBytes: number } {
    for (const ns of db.prepare('SELECT ns FROM document_counts WHERE bytes IS NULL').pluck().all() as string[]) this.collection(ns);
    for (const ix of db.prepare('SELECT ix FROM index_trees WHERE entries IS NULL OR entry_bytes IS NULL').pluck().all() as number[]) this.tree(ix);
    const documentBytes = (db.prepare('SELECT coalesce(sum(bytes), 0) FROM document_counts').pluck().get() as number) ?? 0;
    const entryBytes = (db.prepare('SELECT coalesce(sum(entry_bytes), 0) FROM index_trees').pluck().get() as number) ?? 0;
    return { documentBytes, entryBytes };
  }

  /** The tree's figures are no longer known exactly: counted again when next asked. */
  treeUnknown(ix: number): void {
    this.trees.delete(ix);
    this.forgetTreeStmt.run(ix);
  }

  /** A tree created now starts at zero (kept from its first entry). */
  treeCreated(ix: number): void {
    this.putTree.run(0, 0, ix);
  }

  /** Writes the open transaction's changes (just before COMMIT). Figures not kept yet stay so until first asked. */
  write(): void {
    for (const [ns, d] of this.documents) {
      if (this.addCollection.run(d.n, d.bytes, ns).changes === 0) this.collection(ns);
    }
    this.documents.clear();
    for (const [ix, d] of this.trees) this.addTree.run(d.n, d.bytes, ix);
    this.trees.clear();
  }

  /** The open transaction rolled back. */
  discard(): void {
    this.documents.clear();
    this.trees.clear();
  }

  /** Pending changes of a collection whose rows are being deleted. */
  forgetCollection(ns: string): void {
    this.documents.delete(ns);
  }

  forgetTree(ix: number): void {
    this.trees.delete(ix);
  }
}
