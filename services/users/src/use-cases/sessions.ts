import type { UserStore } from '../ports';
import type { AccessTokenIssuer } from '../domain/access-token';
import { normalizeEmail } from '../domain/email';
import { InvalidCredentialsError, InvalidRefreshTokenError, OverloadedError } from '../domain/errors';
import type { HashQueue } from '../domain/hash-queue';
import type { LoginThrottle, Reservation } from './login-throttle';
import type { PasswordHasher } from '../domain/password-hash';
import type { RefreshTokens } from './refresh-tokens';
import type { UserRecord } from '../domain/user';

export interface TokenResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
}

export interface SessionDeps {
  users: UserStore;
  passwords: PasswordHasher;
  hashing: HashQueue;
  throttle: LoginThrottle;
  accessTokens: AccessTokenIssuer;
  refreshTokens: RefreshTokens;
}

/** Login, refresh and logout. */
export class Sessions {
  constructor(private readonly deps: SessionDeps) {}

  /**
   * Throttled first (429 before any password is looked at), then one answer for every failure: an
   * unknown email and a wrong password give the same 401 after the same amount of work. `deadline` (epoch
   * ms) is when the caller stops waiting: a check that could not be done by then is refused (503).
   */
  async login(input: { email: string; password: string; clientId: string; deadline?: number }): Promise<TokenResponse> {
    const email = normalizeEmail(input.email);
    const attempt = await this.deps.throttle.reserve(email, input.clientId);
    const user = await this.deps.users.findByEmail(email);
    const valid = await this.checkPassword(input.password, user?.passwordHash, attempt, input.deadline);
    if (!user || !valid) throw new InvalidCredentialsError();
    await attempt.succeeded();
    return this.tokensFor(user, await this.deps.refreshTokens.issue(user.id));
  }

  /** A new access token and the next refresh token; the presented one is spent. */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    const rotated = await this.deps.refreshTokens.rotate(refreshToken);
    // The role is read again, so a promotion or demotion reaches the next access token.
    const user = await this.deps.users.findById(rotated.userId);
    if (!user) throw new InvalidRefreshTokenError();
    return this.tokensFor(user, rotated.refreshToken);
  }

  async logout(refreshToken: string): Promise<void> {
    await this.deps.refreshTokens.revoke(refreshToken);
  }

  /** The password checked in its turn; refused for overload, the attempt is not charged as a failure. */
  private async checkPassword(password: string, stored: string | undefined, attempt: Reservation, deadline?: number): Promise<boolean> {
    try {
      return await this.deps.hashing.run(() => this.deps.passwords.verify(password, stored), deadline);
    } catch (e) {
      if (e instanceof OverloadedError) await attempt.withdrawn();
      throw e;
    }
  }

  private async tokensFor(user: UserRecord, refreshToken: string): Promise<TokenResponse> {
    return {
      accessToken: await this.deps.accessTokens.issue({ id: user.id, role: user.role }),
      tokenType: 'Bearer',
      expiresIn: this.deps.accessTokens.ttlSeconds,
      refreshToken,
    };
  }
}
