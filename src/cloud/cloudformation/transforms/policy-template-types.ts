/** The shape of one SAM policy template (aws-sam-translator's policy_templates.json). */
export interface PolicyTemplate {
  Description: string;
  /** Parameter name -> its description; every parameter is required. */
  Parameters: Record<string, { Description?: string }>;
  /** `{ Statement: [...] }` where `{ "Ref": "<Parameter>" }` stands for a parameter's value. */
  Definition: { Statement: unknown };
}
