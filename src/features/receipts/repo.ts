import type { Db } from '../../core/db/index';

/** The `receipt_files` table: Telegram `file_id`s of receipt PDFs already sent. */
export class ReceiptsRepo {
  constructor(private readonly db: Db) {}

  async fileId(accountId: number, period: string, digest: string): Promise<string | undefined> {
    const row = (await this.db('receipt_files')
      .where({ account_id: accountId, period, content_sha256: digest })
      .first('file_id')) as { file_id: string } | undefined;
    return row?.file_id;
  }

  async rememberFileId(
    accountId: number,
    period: string,
    digest: string,
    fileId: string,
    at: string,
  ): Promise<void> {
    await this.db('receipt_files')
      .insert({
        account_id: accountId,
        period,
        content_sha256: digest,
        file_id: fileId,
        created_at: at,
      })
      .onConflict(['account_id', 'period', 'content_sha256'])
      .merge({ file_id: fileId, created_at: at });
  }
}
