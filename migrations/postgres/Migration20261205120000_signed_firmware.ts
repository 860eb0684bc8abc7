import { Migration } from '@mikro-orm/migrations';

/** Signed firmware (OCPP 1.6 security extension): an image's signing certificate and signature, campaigns that send SignedUpdateFirmware, and each station's requestId. */
export class Migration20261205120000_signed_firmware extends Migration {

  override name = 'Migration20261205120000_signed_firmware';

  override up(): void | Promise<void> {
    this.addSql(`alter table "firmware_image" add column "signing_certificate" text null, add column "signature" text null;`);
    this.addSql(`alter table "firmware_campaign" add column "signed" boolean not null default false;`);
    this.addSql(`alter table "firmware_campaign_station" add column "request_id" int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "firmware_campaign_station" drop column "request_id";`);
    this.addSql(`alter table "firmware_campaign" drop column "signed";`);
    this.addSql(`alter table "firmware_image" drop column "signing_certificate", drop column "signature";`);
  }

}
