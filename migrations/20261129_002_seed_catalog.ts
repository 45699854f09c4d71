import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and untyped
type Db = Kysely<any>;

const PROVIDERS: [name: string, url: string][] = [
  ["Coursera", "https://www.coursera.org"],
  ["edX", "https://www.edx.org"],
  ["LinkedIn Learning", "https://www.linkedin.com/learning"],
  ["Google Career Certificates", "https://grow.google/certificates"],
  ["IBM SkillsBuild", "https://skillsbuild.org"],
  ["FutureLearn", "https://www.futurelearn.com"],
  ["Microsoft", "https://learn.microsoft.com"],
  ["Meta", "https://www.facebookblueprint.com"],
  ["HubSpot Academy", "https://academy.hubspot.com"],
  ["PMI", "https://www.pmi.org"],
  ["Zendesk", "https://www.zendesk.com"],
  ["Wharton Online", "https://online.wharton.upenn.edu"],
  ["Vanderbilt University", "https://www.vanderbilt.edu"],
];

interface SeedCredential {
  provider: string;
  title: string;
  url: string;
  hours: number;
  cost: number | null;
  level: "beginner" | "intermediate" | "advanced";
  skills: string[];
}

// Hours are what the providers state for a typical learner, rounded.
const CREDENTIALS: SeedCredential[] = [
  {
    provider: "Google Career Certificates",
    title: "Google Prompting Essentials",
    url: "https://grow.google/prompting-essentials/",
    hours: 9,
    cost: 49,
    level: "beginner",
    skills: ["prompt engineering", "generative ai", "productivity"],
  },
  {
    provider: "IBM SkillsBuild",
    title: "AI Fundamentals",
    url: "https://skillsbuild.org/adult-learners/explore-learning/artificial-intelligence",
    hours: 10,
    cost: 0,
    level: "beginner",
    skills: ["artificial intelligence", "machine learning", "ai ethics"],
  },
  {
    provider: "Coursera",
    title: "Data Analysis with Python",
    url: "https://www.coursera.org/learn/data-analysis-with-python",
    hours: 15,
    cost: 49,
    level: "intermediate",
    skills: ["python", "data analysis", "pandas", "statistics"],
  },
  {
    provider: "LinkedIn Learning",
    title: "Generative AI for Business Leaders",
    url: "https://www.linkedin.com/learning/generative-ai-for-business-leaders",
    hours: 1,
    cost: 40,
    level: "beginner",
    skills: ["generative ai", "ai strategy", "leadership"],
  },
  {
    provider: "Meta",
    title: "Meta Social Media Marketing Professional Certificate",
    url: "https://www.coursera.org/professional-certificates/facebook-social-media-marketing",
    hours: 85,
    cost: 49,
    level: "beginner",
    skills: ["social media marketing", "digital marketing", "advertising", "content strategy"],
  },
  {
    provider: "HubSpot Academy",
    title: "Generative AI for Marketers",
    url: "https://academy.hubspot.com/courses/generative-ai",
    hours: 3,
    cost: 0,
    level: "beginner",
    skills: ["generative ai", "marketing", "content creation"],
  },
  {
    provider: "Microsoft",
    title: "Microsoft Power BI Data Analyst (PL-300)",
    url: "https://learn.microsoft.com/credentials/certifications/data-analyst-associate/",
    hours: 40,
    cost: 165,
    level: "intermediate",
    skills: ["power bi", "data visualization", "dax", "dashboards", "data modeling"],
  },
  {
    provider: "Coursera",
    title: "AI for Everyone",
    url: "https://www.coursera.org/learn/ai-for-everyone",
    hours: 6,
    cost: 49,
    level: "beginner",
    skills: ["artificial intelligence", "ai strategy"],
  },
  {
    provider: "Vanderbilt University",
    title: "Prompt Engineering for ChatGPT",
    url: "https://www.coursera.org/learn/prompt-engineering",
    hours: 18,
    cost: 49,
    level: "beginner",
    skills: ["prompt engineering", "chatgpt", "generative ai"],
  },
  {
    provider: "Zendesk",
    title: "AI-Powered Customer Service",
    url: "https://www.coursera.org/learn/ai-powered-customer-service",
    hours: 8,
    cost: 49,
    level: "beginner",
    skills: ["customer service", "generative ai", "support automation"],
  },
  {
    provider: "Wharton Online",
    title: "People Analytics",
    url: "https://www.coursera.org/learn/wharton-people-analytics",
    hours: 10,
    cost: 49,
    level: "intermediate",
    skills: ["people analytics", "human resources", "data analysis"],
  },
  {
    provider: "Google Career Certificates",
    title: "Google Project Management Certificate",
    url: "https://grow.google/certificates/project-management/",
    hours: 140,
    cost: 49,
    level: "beginner",
    skills: ["project management", "agile", "scrum", "stakeholder management"],
  },
  {
    provider: "Microsoft",
    title: "Microsoft Power Platform Fundamentals (PL-900)",
    url: "https://learn.microsoft.com/credentials/certifications/power-platform-fundamentals/",
    hours: 12,
    cost: 99,
    level: "beginner",
    skills: ["power platform", "power automate", "power apps", "low-code"],
  },
  {
    provider: "PMI",
    title: "AI in Project Management",
    url: "https://www.pmi.org/shop/p-/elearning/generative-ai-overview-for-project-managers/el173",
    hours: 5,
    cost: 0,
    level: "beginner",
    skills: ["project management", "generative ai"],
  },
];

const PM_STACK = [
  "Google Project Management Certificate",
  "Microsoft Power Platform Fundamentals (PL-900)",
  "AI in Project Management",
];

export async function up(db: Db): Promise<void> {
  const providers: { id: number; name: string }[] = await db
    .insertInto("providers")
    .values(PROVIDERS.map(([name, url]) => ({ name, url })))
    .returning(["id", "name"])
    .execute();
  const providerId = new Map(providers.map((p) => [p.name, p.id]));

  const credentials: { id: number; title: string }[] = await db
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
    .returning(["id", "title"])
    .execute();
  const credentialId = new Map(credentials.map((c) => [c.title, c.id]));

  const stack: { id: number } = await db
    .insertInto("stacks")
    .values({
      role: "project manager",
      title: "Project manager with AI",
      description: "Core project management, then low-code automation, then AI in project work.",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("stack_credentials")
    .values(
      PM_STACK.map((title, i) => ({
        stack_id: stack.id,
        position: i + 1,
        credential_id: credentialId.get(title),
      })),
    )
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.deleteFrom("stack_credentials").execute();
  await db.deleteFrom("stacks").execute();
  await db.deleteFrom("credentials").execute();
  await db.deleteFrom("providers").execute();
}
