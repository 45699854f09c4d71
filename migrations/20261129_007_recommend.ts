import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any>: they must not depend on today's Database type.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Db = Kysely<any>;

interface SeedCredential {
  provider: string;
  title: string;
  url: string;
  hours: number;
  cost: number | null;
  level: "beginner" | "intermediate" | "advanced";
  skills: string[];
}

// Roles the first seed did not cover. Hours are the providers' stated effort, rounded; a
// Coursera certificate's cost is one month of its subscription, an exam's cost is its US fee.
const CREDENTIALS: SeedCredential[] = [
  {
    provider: "Google Career Certificates",
    title: "Google Data Analytics Professional Certificate",
    url: "https://grow.google/certificates/data-analytics/",
    hours: 180,
    cost: 49,
    level: "beginner",
    skills: ["data analysis", "spreadsheets", "sql", "tableau", "data visualization", "r"],
  },
  {
    provider: "Google Career Certificates",
    title: "Google UX Design Professional Certificate",
    url: "https://grow.google/certificates/ux-design/",
    hours: 200,
    cost: 49,
    level: "beginner",
    skills: ["ux design", "user research", "wireframing", "prototyping", "figma"],
  },
  {
    provider: "Google Career Certificates",
    title: "Google Cybersecurity Professional Certificate",
    url: "https://grow.google/certificates/cybersecurity/",
    hours: 170,
    cost: 49,
    level: "beginner",
    skills: ["cybersecurity", "network security", "linux", "sql", "siem", "incident response"],
  },
  {
    provider: "Google Career Certificates",
    title: "Google IT Support Professional Certificate",
    url: "https://grow.google/certificates/it-support/",
    hours: 180,
    cost: 49,
    level: "beginner",
    skills: ["it support", "troubleshooting", "networking", "operating systems"],
  },
  {
    provider: "Google Career Certificates",
    title: "Google Digital Marketing & E-commerce Professional Certificate",
    url: "https://grow.google/certificates/digital-marketing-ecommerce/",
    hours: 150,
    cost: 49,
    level: "beginner",
    skills: ["digital marketing", "e-commerce", "seo", "email marketing", "web analytics"],
  },
  {
    provider: "Microsoft",
    title: "Microsoft Azure Fundamentals (AZ-900)",
    url: "https://learn.microsoft.com/credentials/certifications/azure-fundamentals/",
    hours: 10,
    cost: 99,
    level: "beginner",
    skills: ["cloud computing", "azure"],
  },
  {
    provider: "Microsoft",
    title: "Microsoft Azure AI Fundamentals (AI-900)",
    url: "https://learn.microsoft.com/credentials/certifications/azure-ai-fundamentals/",
    hours: 10,
    cost: 99,
    level: "beginner",
    skills: ["artificial intelligence", "machine learning", "azure", "cloud computing"],
  },
  {
    provider: "Microsoft",
    title: "GitHub Foundations",
    url: "https://learn.microsoft.com/credentials/certifications/github-foundations/",
    hours: 10,
    cost: 99,
    level: "beginner",
    skills: ["git", "version control", "software development", "collaboration"],
  },
  {
    provider: "HubSpot Academy",
    title: "Inbound Sales",
    url: "https://academy.hubspot.com/courses/inbound-sales",
    hours: 3,
    cost: 0,
    level: "beginner",
    skills: ["sales", "prospecting", "crm"],
  },
  {
    provider: "HubSpot Academy",
    title: "Content Marketing",
    url: "https://academy.hubspot.com/courses/content-marketing",
    hours: 7,
    cost: 0,
    level: "beginner",
    skills: ["content marketing", "content strategy", "seo", "content creation"],
  },
  {
    provider: "Coursera",
    title: "Excel Skills for Business (Macquarie University)",
    url: "https://www.coursera.org/specializations/excel",
    hours: 90,
    cost: 49,
    level: "beginner",
    skills: ["excel", "spreadsheets", "data analysis"],
  },
];

const STACKS: { role: string; title: string; description: string; credentials: string[] }[] = [
  {
    role: "data analyst",
    title: "Data analyst",
    description: "Spreadsheets and SQL first, then Power BI dashboards.",
    credentials: [
      "Google Data Analytics Professional Certificate",
      "Microsoft Power BI Data Analyst (PL-300)",
    ],
  },
  {
    role: "marketer",
    title: "Marketer with AI",
    description: "Generative AI for everyday marketing, then social media, then content.",
    credentials: [
      "Generative AI for Marketers",
      "Meta Social Media Marketing Professional Certificate",
      "Content Marketing",
    ],
  },
  {
    role: "cloud engineer",
    title: "Cloud foundations",
    description: "Cloud fundamentals on Azure, then its AI services.",
    credentials: [
      "Microsoft Azure Fundamentals (AZ-900)",
      "Microsoft Azure AI Fundamentals (AI-900)",
    ],
  },
];

export async function up(db: Db): Promise<void> {
  // A stack counts as completed once, when its last credential is; the digest reads this.
  await db.schema
    .createTable("stack_completions")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("stack_id", "integer", (c) =>
      c.notNull().references("stacks.id").onDelete("cascade"),
    )
    .addColumn("completed_at", "timestamptz", (c) => c.notNull())
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("stack_completions_pkey", ["user_id", "stack_id"])
    .execute();
  await db.schema
    .createIndex("stack_completions_completed_at_idx")
    .on("stack_completions")
    .column("completed_at")
    .execute();

  // The weekly study block each person last chose for their calendar file.
  await db.schema
    .createTable("study_blocks")
    .addColumn("user_id", "integer", (c) =>
      c.primaryKey().references("users.id").onDelete("cascade"),
    )
    .addColumn("weekday", "smallint", (c) => c.notNull().check(sql`weekday between 1 and 7`))
    .addColumn("local_time", "text", (c) =>
      c.notNull().check(sql`local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`),
    )
    .addColumn("minutes", "integer", (c) => c.notNull().check(sql`minutes between 15 and 480`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();

  // "What I learned": written only when the person submits the share form.
  await db.schema
    .createTable("shares")
    .addColumn("id", "integer", (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("workspace_id", "integer", (c) =>
      c.notNull().references("workspaces.id").onDelete("cascade"),
    )
    .addColumn("goal_id", "integer", (c) => c.notNull().references("goals.id").onDelete("cascade"))
    .addColumn("text", "text", (c) => c.notNull().check(sql`length(text) between 1 and 500`))
    .addColumn("audience", "text", (c) =>
      c.notNull().check(sql`audience in ('digest', 'team', 'colleague')`),
    )
    .addColumn("team_channel_id", "text")
    .addColumn("colleague_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("delivery", "text", (c) =>
      c
        .notNull()
        .defaultTo("none")
        .check(sql`delivery in ('none', 'pending', 'sending', 'sent', 'failed')`),
    )
    .addColumn("delivery_ref", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("delivered_at", "timestamptz")
    // One share per completed goal; sharing again edits it.
    .addUniqueConstraint("shares_goal_key", ["goal_id"])
    .execute();
  await db.schema
    .createIndex("shares_workspace_created_idx")
    .on("shares")
    .columns(["workspace_id", "created_at"])
    .execute();

  // Every credential here is from a provider the first seed added.
  const providers: { id: number; name: string }[] = await db
    .selectFrom("providers")
    .select(["id", "name"])
    .execute();
  const providerId = new Map(providers.map((p) => [p.name, p.id]));

  await db
    .insertInto("credentials")
    .values(
      CREDENTIALS.map((c) => ({
        provider_id: providerId.get(c.provider),
        title: c.title,
        url: c.url,
        estimated_hours: c.hours,
        cost_usd: c.cost,
        level: c.level,
        skills: c.skills,
      })),
    )
    .onConflict((oc) => oc.constraint("credentials_provider_title_key").doNothing())
    .execute();
  const credentials: { id: number; title: string }[] = await db
    .selectFrom("credentials")
    .select(["id", "title"])
    .execute();
  const credentialId = new Map(credentials.map((c) => [c.title, c.id]));

  for (const stack of STACKS) {
    const ids = stack.credentials.map((t) => credentialId.get(t));
    if (ids.some((id) => id === undefined)) continue;
    const row: { id: number } | undefined = await db
      .insertInto("stacks")
      .values({ role: stack.role, title: stack.title, description: stack.description })
      .onConflict((oc) => oc.column("role").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!row) continue;
    await db
      .insertInto("stack_credentials")
      .values(ids.map((id, i) => ({ stack_id: row.id, position: i + 1, credential_id: id })))
      .execute();
  }
}

export async function down(db: Db): Promise<void> {
  await db
    .deleteFrom("stacks")
    .where(
      "role",
      "in",
      STACKS.map((s) => s.role),
    )
    .execute();
  for (const table of ["shares", "study_blocks", "stack_completions"]) {
    await db.schema.dropTable(table).execute();
  }
  await db
    .deleteFrom("credentials")
    .where(
      "title",
      "in",
      CREDENTIALS.map((c) => c.title),
    )
    .execute();
}
