using System.Diagnostics.CodeAnalysis;

namespace N2N.Adapters.Rules;

/// <summary>Check-digit rules for national party identifiers, keyed by id scheme.</summary>
public static class PartyIdRules
{
    public const string TaiwanBanScheme = "TW-BAN";
    public const string KoreanBrnScheme = "KR-BRN";
    public const string JapanCorporateNumberScheme = "JP-CN";

    private static readonly int[] s_banWeights = [1, 2, 1, 2, 1, 2, 4, 1];
    private static readonly int[] s_brnWeights = [1, 3, 7, 1, 3, 7, 1, 3, 5];

    /// <summary>Checks an identifier whose scheme has a rule; null when valid or when the scheme has no rule.</summary>
    /// <param name="scheme">The id scheme, e.g. <c>TW-BAN</c>.</param>
    /// <param name="value">The id value as carried in the canonical form (digits only).</param>
    /// <param name="owner">Who carries the id, for the message (e.g. <c>exporter</c>).</param>
    public static RuleViolation? Check(string scheme, string value, string owner) => scheme switch
    {
        TaiwanBanScheme when !IsValidTaiwanBan(value) =>
            new(RuleIds.TaiwanBan, $"The {owner}'s Taiwan BAN '{value}' fails the check-digit rule."),
        KoreanBrnScheme when !IsValidKoreanBrn(value) =>
            new(RuleIds.KoreanBrn, $"The {owner}'s Korean business registration number '{value}' fails the check-digit rule."),
        JapanCorporateNumberScheme when !IsValidJapanCorporateNumber(value) =>
            new(RuleIds.JapanCorporateNumber, $"The {owner}'s Japanese corporate number '{value}' fails the check-digit rule."),
        _ => null,
    };

    /// <summary>
    /// Taiwan unified business number (BAN): 8 digits, weights 1,2,1,2,1,2,4,1; the digit sums of the products must total
    /// 0 mod 5, or total + 1 when the 7th digit is 7 (its product 28 may count as 10 or as 1).
    /// </summary>
    /// <remarks>
    /// This is the Ministry of Finance rule in force since 2023 (mod 5). The earlier mod 10 rule is stricter, so every
    /// number valid under it stays valid; numbers such as 04595252 are valid only under the new one.
    /// </remarks>
    public static bool IsValidTaiwanBan(string? ban)
    {
        if (!IsDigits(ban, 8))
        {
            return false;
        }

        int total = 0;
        for (int i = 0; i < 8; i++)
        {
            int product = (ban[i] - '0') * s_banWeights[i];
            total += (product / 10) + (product % 10);
        }

        return total % 5 == 0 || (ban[6] == '7' && (total + 1) % 5 == 0);
    }

    /// <summary>
    /// Korean business registration number: 10 digits; weights 1,3,7,1,3,7,1,3,5 on the first nine, plus the tens digit of
    /// the ninth product; the tenth digit is (10 − sum mod 10) mod 10.
    /// </summary>
    public static bool IsValidKoreanBrn(string? brn)
    {
        if (!IsDigits(brn, 10))
        {
            return false;
        }

        int sum = 0;
        for (int i = 0; i < 9; i++)
        {
            sum += (brn[i] - '0') * s_brnWeights[i];
        }

        sum += (brn[8] - '0') * 5 / 10;
        return (10 - (sum % 10)) % 10 == brn[9] - '0';
    }

    /// <summary>
    /// Japanese corporate number (法人番号): 13 digits; the first is the check digit 9 − (Σ Pₙ·Qₙ mod 9), where Pₙ is the
    /// n-th of the other twelve digits counted from the right and Qₙ is 1 for odd n, 2 for even n.
    /// </summary>
    public static bool IsValidJapanCorporateNumber(string? number)
    {
        if (!IsDigits(number, 13))
        {
            return false;
        }

        int sum = 0;
        for (int n = 1; n <= 12; n++)
        {
            int digit = number[13 - n] - '0';
            sum += digit * (n % 2 == 1 ? 1 : 2);
        }

        return 9 - (sum % 9) == number[0] - '0';
    }

    private static bool IsDigits([NotNullWhen(true)] string? value, int length) =>
        value is not null && value.Length == length && value.All(char.IsAsciiDigit);
}
