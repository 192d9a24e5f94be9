/** SIP phone passwords, encrypted at rest, with the HA1 the agent needs. */

export interface SipCredential {
  userId: string;
  /** AES-GCM ciphertext of the password, as produced by the web layer. */
  encryptedPassword: string;
  ha1: string;
  rotatedAt: Date;
}

export interface SipCredentialStore {
  saveSipCredential(credential: SipCredential): Promise<void>;
  getSipCredential(userId: string): Promise<SipCredential | null>;
}
