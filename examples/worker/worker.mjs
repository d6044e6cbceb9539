// A Cloudflare Worker that streams a dataset: GET /?preset=mass_casualty&patients=100&seed=1.
// Deploy with `npx wrangler deploy` from this folder after `npm install patientgen` (wrangler
// bundles the package's `workerd` entry and its .wasm).
import { Generator, ConfigError } from "patientgen";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const scenario = { preset: url.searchParams.get("preset") ?? "training_exercise" };
    const options = { format: "ndjson", seed: url.searchParams.get("seed") ?? undefined };
    const patients = url.searchParams.get("patients");
    if (patients !== null) options.patients = Number(patients);
    let gen;
    try {
      gen = new Generator(scenario, options);
    } catch (e) {
      if (e instanceof ConfigError) return Response.json({ errors: e.errors }, { status: 400 });
      throw e;
    }
    return new Response(gen.readable(), {
      headers: {
        "Content-Type": gen.contentType,
        "Content-Disposition": `attachment; filename="${gen.fileName}"`,
        "X-Seed": gen.seed,
      },
    });
  },
};
