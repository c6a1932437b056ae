{#- One row per cutoff and scoped account: the ICP fit at that cutoff, graded.
    The steps are models of their own: the score and probability
    (int_icp_account_probabilities), completeness and evidence
    (int_icp_account_evidence), exclusions (int_icp_account_exclusions) and the
    reasons in words (int_icp_account_reasons). Here the grade: A, B, C by vars
    icp_grade_*_min_score (inclusive), else D; hard exclusions force grade D and
    say why, the score itself is kept. -#}
with

scoped_accounts as (
    select * from {{ ref('int_icp_scoped_accounts') }}
),

probabilities as (
    select * from {{ ref('int_icp_account_probabilities') }}
),

evidence as (
    select * from {{ ref('int_icp_account_evidence') }}
),

exclusions as (
    select * from {{ ref('int_icp_account_exclusions') }}
),

reasons as (
    select * from {{ ref('int_icp_account_reasons') }}
),

joined as (
    select
        scoped_accounts.cutoff_name,
        scoped_accounts.cutoff_date,
        scoped_accounts.as_of_date,
        scoped_accounts.account_id,
        probabilities.fit_score,
        probabilities.estimated_win_probability,
        exclusions.account_id is not null as is_excluded,
        exclusions.exclusion_reason,
        reasons.fit_reasons,
        evidence.data_completeness,
        evidence.supported_share,
        evidence.evidence_level,
        scoped_accounts.has_history,
        scoped_accounts.is_in_crm,
        probabilities.total_weight,
        probabilities.base_win_rate,
        evidence.known_attributes,
        evidence.scored_attribute_count
    from scoped_accounts
    inner join probabilities
        on
            scoped_accounts.cutoff_name = probabilities.cutoff_name
            and scoped_accounts.account_id = probabilities.account_id
    inner join evidence
        on
            scoped_accounts.cutoff_name = evidence.cutoff_name
            and scoped_accounts.account_id = evidence.account_id
    inner join reasons
        on
            scoped_accounts.cutoff_name = reasons.cutoff_name
            and scoped_accounts.account_id = reasons.account_id
    left join exclusions
        on
            scoped_accounts.cutoff_name = exclusions.cutoff_name
            and scoped_accounts.account_id = exclusions.account_id
),

final as (
    select
        cutoff_name,
        cutoff_date,
        as_of_date,
        account_id,
        fit_score,
        estimated_win_probability,
        case
            when is_excluded then 'D'
            when fit_score >= {{ var('icp_grade_a_min_score') }} then 'A'
            when fit_score >= {{ var('icp_grade_b_min_score') }} then 'B'
            when fit_score >= {{ var('icp_grade_c_min_score') }} then 'C'
            else 'D'
        end as fit_grade,
        is_excluded,
        exclusion_reason,
        fit_reasons,
        data_completeness,
        supported_share,
        evidence_level,
        has_history,
        is_in_crm,
        total_weight,
        base_win_rate,
        known_attributes,
        scored_attribute_count
    from joined
)

select * from final
