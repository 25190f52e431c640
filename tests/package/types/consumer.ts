// Compiled by `tsc --noEmit --strict` against the packed package (scripts/check-types.sh):
// every method of both entries, used as the README shows it. A declaration that
// is missing, misnamed or mistyped fails the build; the @ts-expect-error lines
// fail it if the declarations stop refusing what they must refuse.
import init, { Personalizer, type Slate, type Explanation, type Nearest, type ProfileSummary, type FlaneurError, type CatalogManifest } from "flaneur";
import { Personalizer as WorkerPersonalizer, type FlaneurReport } from "flaneur/worker";

export async function mainThread(catalog: object, manifest: CatalogManifest): Promise<string[]> {
  await init();
  const p = await Personalizer.open({ catalog, shopId: "demo", storage: "indexeddb", seed: 42 });
  const learned: boolean = p.record({ type: "view", itemId: "sku-1", at: Date.now() });
  p.record({ type: "dwell", itemId: "sku-1", ms: 4000 });
  p.record({ type: "search", query: "red sweater" });
  // @ts-expect-error a dwell needs its duration
  p.record({ type: "dwell", itemId: "sku-1" });
  // @ts-expect-error not an event type
  p.record({ type: "stare", itemId: "sku-1" });
  const slate: Slate = p.recommend({ k: 12, context: { itemId: "sku-1" }, exclude: ["sku-2"] });
  const why: Explanation = p.explain("sku-1");
  const near: Nearest = p.nearest(new Float32Array(16), 4);
  const nearestIds: string[] = near.ids;
  const nearestScores: Float32Array = near.scores;
  const summary: ProfileSummary = p.profile();
  const where: "indexeddb" | "local" | "memory" = summary.storage;
  p.setPreferences({ personalization: true, intensity: 0.7, surprise: 0.2, discretion: 0, sensitive: { health: false }, paused: false, intent: "auto" });
  // @ts-expect-error intent is auto, exploring or buying
  p.setPreferences({ intent: "shopping" });
  p.forget({ facet: "colour", value: "red" });
  p.forget({ itemId: "sku-1" });
  p.forget({ all: true });
  const json: string = p.exportProfile();
  p.importProfile(json);
  await p.flush();
  p.setPreferences({ reports: true });
  const reported: boolean = await p.report((r) => console.log(r.question, r.answer, r.epsilon, r.day), { epsilon: 0.5 });
  // @ts-expect-error a report's answer is a boolean
  await p.report((r) => r.answer.toFixed());
  await p.erase();
  const kept: "implied" | "required" | "granted" = summary.consent;
  const asked = await Personalizer.open({ catalog, consent: "required" });
  await asked.grantConsent();
  await asked.revokeConsent();
  // @ts-expect-error consent is implied or required
  await Personalizer.open({ catalog, consent: "granted" });
  const stats = p.stats();
  const count: number = p.itemCount + stats.divergent.impressions;
  const sharded = await Personalizer.open({ catalog: { manifest, parts: { [manifest.core.file]: new Uint8Array(8) } } });
  const shard: string | null = sharded.shardFor("Women > Knitwear");
  const added: boolean = shard !== null && sharded.addPart(shard, new ArrayBuffer(8));
  const held: string[] = sharded.parts();
  // @ts-expect-error a part is bytes
  sharded.addPart("shard-0123456789abcdef.bin", "bytes");
  const patched: { file: string; bytes: Uint8Array } = Personalizer.patchPart(manifest, "patch-0123456789abcdef.bin", new Uint8Array(8), new ArrayBuffer(8));
  sharded.addPart(patched.file, patched.bytes);
  const [shown] = sharded.items(["sku-1"]);
  const title: string | undefined = shown?.title;
  const classes: string[] = sharded.sensitiveClasses();
  try {
    p.record({ type: "view", itemId: "nope" });
  } catch (err) {
    const code: FlaneurError["code"] = (err as FlaneurError).code;
    return [code];
  }
  return [String(learned), slate.intent, why.text, where, kept, String(count), p.shopId, nearestIds.join(), String(nearestScores.length), String(reported), String(added), held.join(), String(title), classes.join()];
}

export async function inWorker(catalog: ArrayBuffer): Promise<string[]> {
  const p = await WorkerPersonalizer.open({ catalog, seed: 1 });
  const learned: boolean = await p.record({ type: "view", itemId: "sku-1" });
  const slate: Slate = await p.recommend({ k: 6 });
  const why: Explanation = await p.explain("sku-1");
  const near: Nearest = await p.nearest(new Float32Array(16), 4);
  const summary: ProfileSummary = await p.profile();
  const shard: string | null = await p.shardFor("Shoes");
  const [card] = await p.items(["sku-1"]);
  const cardTitle: string | undefined = card?.title;
  const sensitive: string[] = await p.sensitiveClasses();
  const held: string[] = await p.parts();
  const added: boolean = shard !== null && (await p.addPart(shard, new Uint8Array(8)));
  await p.setPreferences({ surprise: 0.5 });
  await p.forget({ category: "Shoes" });
  await p.importProfile(await p.exportProfile());
  await p.flush();
  const sent: boolean = await p.report((r: FlaneurReport) => r.day.length);
  await p.erase();
  await p.grantConsent();
  await p.revokeConsent();
  // @ts-expect-error worker methods return promises
  const sync: Slate = p.recommend({ k: 6 });
  p.close();
  return [String(learned), slate.intent, why.text, summary.storage, String(p.itemCount), String(sync), near.ids.join(), String(sent), held.join(), String(added), String(cardTitle), sensitive.join()];
}
