export interface PromptTemplate {
  name: string;
  system?: string;
  user: string;
  model?: string;
  temperature?: number;
  max_tokens?: number;
  response_format?: 'json';
}
