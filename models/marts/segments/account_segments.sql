{#- One row per universe account at the as-of date: the five B2B segmentation
    types side by side (firmographic, needs-based, behavioral, value,
    sophistication), with key customers as their own value segment. Size band,
    ACV potential and primary need are account_tiers' (one definition each); the
    engagement trend, value bands and technology profile are steps of their own
    (int_account_engagement_trends, int_account_value_bands,
    int_account_technology_profiles). -#}
{%- set int = dbt.type_int() -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

tiers as (
    select account_tiers.*
    from {{ ref('int_account_tiers') }} as account_tiers
    inner join as_of
        on account_tiers.as_of_date = as_of.as_of_date
),

intent_scores as (
    select account_intent_scores.*
    from {{ ref('int_account_intent_scores') }} as account_intent_scores
    inner join as_of
        on account_intent_scores.as_of_date = as_of.as_of_date
),

engagement_scores as (
    select account_engagement_scores.*
    from {{ ref('int_account_engagement_scores') }} as account_engagement_scores
    inner join as_of
        on account_engagement_scores.as_of_date = as_of.as_of_date
),

engagement_trends as (
    select * from {{ ref('int_account_engagement_trends') }}
),

value_bands as (
    select * from {{ ref('int_account_value_bands') }}
),

technology_profiles as (
    select * from {{ ref('int_account_technology_profiles') }}
),

base as (
    select
        accounts.account_id,
        as_of.as_of_date,
        coalesce(accounts.industry, 'unknown') as industry,
        coalesce(tiers.size_band, 'unknown') as size_band,
        coalesce(accounts.region, 'unknown') as region,
        intent_scores.primary_need,
        intent_scores.top_needs,
        coalesce(tiers.is_surging, false) as is_surging,
        coalesce(engagement_scores.is_spiking, false) as is_engagement_spiking,
        value_bands.is_customer,
        engagement_trends.primary_channel,
        engagement_trends.channel_count,
        engagement_trends.recent_activity_count,
        engagement_trends.prior_activity_count,
        engagement_trends.engagement_trend,
        value_bands.lifetime_value,
        value_bands.average_annual_contract_value,
        value_bands.lifetime_value_band,
        value_bands.acv_band,
        value_bands.is_key_customer,
        tiers.acv_class as acv_potential_class,
        technology_profiles.technology_count,
        coalesce(technology_profiles.competitor_tool_count, 0) as competitor_tool_count,
        coalesce(technology_profiles.complementary_tool_count, 0) as complementary_tool_count
    from accounts
    cross join as_of
    left join tiers
        on accounts.account_id = tiers.account_id
    left join intent_scores
        on accounts.account_id = intent_scores.account_id
    left join engagement_scores
        on accounts.account_id = engagement_scores.account_id
    left join engagement_trends
        on accounts.account_id = engagement_trends.account_id
    left join value_bands
        on accounts.account_id = value_bands.account_id
    left join technology_profiles
        on accounts.account_id = technology_profiles.account_id
),

final as (
    select
        base.account_id,
        base.as_of_date,
        -- firmographic
        base.industry,
        base.size_band,
        base.region,
        {{ dbt.concat(["base.industry", "' | '", "base.size_band", "' | '", "base.region"]) }}
            as firmographic_segment,
        -- needs-based
        base.primary_need,
        base.top_needs,
        case
            when base.is_surging and base.primary_need is not null then base.primary_need
            else 'no_active_need'
        end as needs_segment,
        -- behavioral
        base.primary_channel,
        cast(base.channel_count as {{ int }}) as channel_count,
        cast(base.recent_activity_count as {{ int }}) as recent_activity_count,
        cast(base.prior_activity_count as {{ int }}) as prior_activity_count,
        base.engagement_trend,
        case
            when base.is_customer and (
                base.is_surging or base.is_engagement_spiking or base.engagement_trend = 'rising'
            ) then 'customer_expansion_signal'
            when base.is_customer and base.engagement_trend = 'falling' then 'customer_churn_risk'
            when base.is_customer and base.engagement_trend = 'inactive' then 'customer_silent'
            when base.is_customer then 'customer_steady'
            when base.engagement_trend = 'inactive' then 'unengaged'
            when base.channel_count >= {{ var('segments_multi_channel_min') }} then 'multi_channel'
            else 'single_channel'
        end as behavioral_segment,
        -- value
        cast(base.lifetime_value as {{ type_double() }}) as lifetime_value,
        cast(base.average_annual_contract_value as {{ type_double() }}) as average_annual_contract_value,
        base.lifetime_value_band,
        base.acv_band,
        base.acv_potential_class,
        case
            when base.is_key_customer then 'key_customer'
            when base.is_customer
                then {{ dbt.concat(["'customer_'", "coalesce(base.lifetime_value_band, 'none')"]) }}
            else {{ dbt.concat(["'prospect_'", "coalesce(base.acv_potential_class, 'medium')", "'_potential'"]) }}
        end as value_segment,
        -- sophistication
        cast(base.technology_count as {{ int }}) as technology_count,
        cast(base.competitor_tool_count as {{ int }}) as competitor_tool_count,
        cast(base.complementary_tool_count as {{ int }}) as complementary_tool_count,
        case
            when base.technology_count is null then 'unknown'
            when base.competitor_tool_count > 0 then 'competitor_user'
            when base.complementary_tool_count > 0 then 'complementary_stack'
            else 'greenfield'
        end as sophistication_segment,
        -- flags
        base.is_customer,
        base.is_key_customer,
        base.is_surging
    from base
)

select * from final
