using EuCyberNet.Training.Certificates;

namespace EuCyberNet.Training.Tests.Unit;

public sealed class CertificateNumberTests
{
    [Fact]
    public void A_drawn_number_is_well_formed_and_names_the_year_of_issue()
    {
        for (var i = 0; i < 200; i++)
        {
            var number = CertificateNumber.Draw(new DateOnly(2027, 6, 1));
            Assert.Matches("^EUCN-2027-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]$", number);
            Assert.True(CertificateNumber.TryNormalise(number, out var canonical));
            Assert.Equal(number, canonical);
        }
    }

    [Fact]
    public void Numbers_do_not_repeat()
    {
        var numbers = Enumerable.Range(0, 10_000).Select(_ => CertificateNumber.Draw(new DateOnly(2027, 6, 1))).ToHashSet();
        Assert.Equal(10_000, numbers.Count);
    }

    [Fact]
    public void A_number_typed_in_lower_case_or_with_look_alike_letters_is_recognised()
    {
        var number = CertificateNumber.Draw(new DateOnly(2027, 6, 1));
        var typed = number[..10].ToLowerInvariant() + number[10..].ToLowerInvariant().Replace('0', 'o').Replace('1', 'l');

        Assert.True(CertificateNumber.TryNormalise(" " + typed + " ", out var canonical));
        Assert.Equal(number, canonical);
    }

    [Fact]
    public void A_single_mistyped_character_is_caught_by_the_check_character()
    {
        var number = CertificateNumber.Draw(new DateOnly(2027, 6, 1));
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        foreach (var position in new[] { 5, 6, 7, 8, 10, 11, 16, 20 })
            foreach (var replacement in alphabet.Where(c => c != number[position]))
            {
                var typo = number[..position] + replacement + number[(position + 1)..];
                Assert.False(CertificateNumber.TryNormalise(typo, out _), typo);
            }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("EUCN-2027-ABCDE-FGHJK")]
    [InlineData("XXXX-2027-ABCDE-FGHJK-0")]
    [InlineData("EUCN-27-ABCDE-FGHJK-0")]
    [InlineData("EUCN-2027-ABCDE-FGHJU-0")]
    [InlineData("EUCN-2027-ABCD-FGHJKM-0")]
    public void Anything_else_is_not_a_certificate_number(string? text) =>
        Assert.False(CertificateNumber.TryNormalise(text, out _));
}
