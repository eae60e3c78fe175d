/** Installed tenants, with the shared secret sealed at rest and bound to its client key. */
import type { SecretBox } from "../crypto/secret-box";
import { TenantRow } from "./models";

export interface Tenant {
  clientKey: string;
  sharedSecret: string;
  baseUrl: string;
  baseApiUrl: string;
  productType: string;
  workspaceUuid: string | null;
  workspaceSlug: string | null;
}

const bound = (clientKey: string) => `tenant:${clientKey}`;

export class TenantStore {
  constructor(private readonly box: SecretBox) {}

  async get(clientKey: string): Promise<Tenant | null> {
    const row = await TenantRow.findByPk(clientKey);
    if (!row) return null;
    return {
      clientKey: row.clientKey,
      sharedSecret: this.box.open(row.sharedSecretEnc, bound(row.clientKey)),
      baseUrl: row.baseUrl,
      baseApiUrl: row.baseApiUrl,
      productType: row.productType,
      workspaceUuid: row.workspaceUuid,
      workspaceSlug: row.workspaceSlug,
    };
  }

  async save(tenant: Tenant): Promise<void> {
    const { sharedSecret, ...rest } = tenant;
    await TenantRow.upsert({ ...rest, sharedSecretEnc: this.box.seal(sharedSecret, bound(tenant.clientKey)) });
  }

  /** Removes the tenant and, through the foreign keys, its connections, their tokens and hook records. */
  async remove(clientKey: string): Promise<boolean> {
    return (await TenantRow.destroy({ where: { clientKey } })) > 0;
  }
}
