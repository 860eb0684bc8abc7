/** A SQL condition with `?` placeholders and its values, in order. */
export interface Condition {
  sql: string;
  params: unknown[];
}

/** Builds a list query's `where`: conditions joined by `and` (`true` when there are none), their values in order. */
export class Conditions implements Condition {
  private readonly parts: string[] = [];
  readonly params: unknown[] = [];

  constructor(...first: Condition[]) {
    for (const condition of first) this.add(condition.sql, ...condition.params);
  }

  add(sql: string, ...values: unknown[]): this {
    this.parts.push(sql);
    this.params.push(...values);
    return this;
  }

  get sql(): string {
    return this.parts.length ? this.parts.join(' and ') : 'true';
  }
}

/** `?` placeholders as PostgreSQL's numbered `$n`, for the plain pool. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
