import type { Db } from '../../core/db/index';

/** The balance feature's own queries; the ledger itself is read through the ledger service. */
export class BalanceRepo {
  constructor(private readonly db: Db) {}

  async accountNumber(accountId: number): Promise<string | undefined> {
    const row = (await this.db('accounts').where({ id: accountId }).first('number')) as
      | { number: string }
      | undefined;
    return row?.number;
  }
}
