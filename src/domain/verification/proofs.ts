import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { createVerifyCryptosuite as createEcdsaSdVerify } from "@digitalbazaar/ecdsa-sd-2023-cryptosuite";
import { Ed25519Signature2020 } from "@digitalbazaar/ed25519-signature-2020";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import jsigs from "jsonld-signatures";
import { offlineDocumentLoader } from "./contexts.ts";
import { errorMessage } from "./fetch-json.ts";
import { asArray, isObject, type JsonObject, str } from "./json.ts";
import { ED25519_2020_CONTEXT, resolveVerificationMethod } from "./keys.ts";
import { REASON_CODES as C, type Reasons } from "./reasons.ts";
import type { TrustEvidence } from "./trust.ts";
import type { Fetcher } from "./types.ts";

// eddsa-2022 is the pre-standard name of eddsa-rdfc-2022: same canonicalisation and signature.
const eddsa2022 = { ...eddsaRdfc2022, name: "eddsa-2022" };

const DATA_INTEGRITY_V1 = "https://w3id.org/security/data-integrity/v1";

function suiteFor(
  proof: JsonObject,
  credential: JsonObject,
): { suite: unknown; legacy: boolean } | null {
  const type = str(proof.type);
  if (type === "DataIntegrityProof") {
    // documents written against the v1 Data Integrity context are verified with it
    const legacyContext = asArray(credential["@context"]).includes(DATA_INTEGRITY_V1);
    switch (proof.cryptosuite) {
      case "eddsa-rdfc-2022":
        return {
          suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022, legacyContext }),
          legacy: false,
        };
      case "eddsa-2022":
        return {
          suite: new DataIntegrityProof({ cryptosuite: eddsa2022, legacyContext }),
          legacy: true,
        };
      case "ecdsa-sd-2023":
        return {
          suite: new DataIntegrityProof({ cryptosuite: createEcdsaSdVerify(), legacyContext }),
          legacy: false,
        };
      default:
        return null;
    }
  }
  if (type === "Ed25519Signature2020") return { suite: new Ed25519Signature2020(), legacy: false };
  return null;
}

export interface ProofCheck {
  /** At least one proof verified. */
  verified: boolean;
}

/** Verifies every embedded proof of a JSON-LD credential; all must verify. */
export async function verifyEmbeddedProofs(
  credential: JsonObject,
  issuerId: string | null,
  fetcher: Fetcher,
  now: Date,
  reasons: Reasons,
  trust?: TrustEvidence,
): Promise<ProofCheck> {
  const proofs = asArray(credential.proof);
  if (proofs.length === 0) {
    reasons.error(C.proofMissing, { detail: "vc" });
    return { verified: false };
  }
  let verified = 0;
  for (const proof of proofs) {
    if (!isObject(proof)) {
      reasons.error(C.proofUnsupported, { detail: "malformed" });
      continue;
    }
    const chosen = suiteFor(proof, credential);
    const desc = `${str(proof.type) ?? "?"}${proof.cryptosuite ? ` (${String(proof.cryptosuite)})` : ""}`;
    if (!chosen) {
      reasons.error(C.proofUnsupported, { detail: "type", values: { proof: desc } });
      continue;
    }
    const methodId =
      typeof proof.verificationMethod === "string"
        ? proof.verificationMethod
        : isObject(proof.verificationMethod)
          ? str(proof.verificationMethod.id)
          : null;
    if (!methodId) {
      reasons.error(C.keyUnresolvable, { detail: "no_method" });
      continue;
    }
    const resolved = await resolveVerificationMethod(methodId, issuerId, fetcher);
    if (!resolved.ok) {
      reasons.error(C.keyUnresolvable, { detail: "credential", cause: resolved.cause });
      continue;
    }
    let method = resolved.value.method;
    if (str(proof.type) === "Ed25519Signature2020") {
      method = { ...method, "@context": ED25519_2020_CONTEXT, type: "Ed25519VerificationKey2020" };
    }
    const loader = offlineDocumentLoader((url) => (url === methodId ? method : undefined));
    const single = { ...credential, proof };
    try {
      const result = await jsigs.verify(single, {
        suite: chosen.suite,
        purpose: new jsigs.purposes.AssertionProofPurpose({
          controller: resolved.value.controller,
          date: now,
        }),
        documentLoader: loader,
      });
      if (result.verified) {
        verified++;
        const binding = resolved.value.binding;
        if (binding.bound) trust?.bound();
        else trust?.unbound(binding.reason);
        if (chosen.legacy) {
          reasons.warn(C.proofLegacy, { detail: "suite", values: { proof: desc } });
        }
      } else {
        reasons.error(C.signatureInvalid, {
          detail: "proof",
          values: { proof: desc, error: describeFailure(result) },
        });
      }
    } catch (err) {
      reasons.error(C.signatureInvalid, {
        detail: "proof_unchecked",
        values: { proof: desc, error: errorMessage(err) },
      });
    }
  }
  return { verified: verified > 0 && verified === proofs.length };
}

function describeFailure(result: {
  error?: { errors?: Error[]; message?: string };
  results?: { error?: Error }[];
}): string {
  const first =
    result.error?.errors?.[0]?.message ??
    result.results?.find((r) => r.error)?.error?.message ??
    result.error?.message;
  return first ?? "invalid signature";
}
