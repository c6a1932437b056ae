{#- One row per universe account at the as-of date: the five B2B segmentation
    types side by side (firmographic, needs-based, behavioral, value,
    sophistication), with key customers as their own value segment. Size band,
    ACV potential and primary need are account_tiers' (one definition each). -#}
{{
    config(
        tags=['bi'],
    )
}}
{%- set trend_days = var('segments_trend_window_days') | int -%}
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

snapshots as (
    select fct_account_snapshots.*
    from {{ ref('int_account_snapshots') }} as fct_account_snapshots
    inner join as_of
        on fct_account_snapshots.as_of_date = as_of.as_of_date
),

matched_activities as (
    select * from {{ ref('int_activities_matched_to_accounts') }}
    where account_id is not null
),

staged_activities as (
    select * from {{ ref('stg_engagement__activities') }}
),

enrichment_matches as (
    select * from {{ ref('int_enrichment_companies_matched_to_accounts') }}
),

technologies as (
    select * from {{ ref('int_technologies_combined') }}
),

technology_relations as (
    select * from {{ ref('technology_relations') }}
),

value_bands as (
    select * from {{ ref('value_bands') }}
),

-- Activities of the two trend windows: recent (last N days) and prior (N before).
windowed_activities as (
    select
        matched_activities.account_id,
        coalesce(staged_activities.channel, 'unknown') as channel,
        case
            when
                matched_activities.activity_date
                > {{ dbt.dateadd('day', -1 * trend_days, 'as_of.as_of_date') }}
                then 1
            else 0
        end as is_recent
    from matched_activities
    cross join as_of
    left join staged_activities
        on matched_activities.activity_id = staged_activities.activity_id
    where
        matched_activities.activity_date <= as_of.as_of_date
        and matched_activities.activity_date
        > {{ dbt.dateadd('day', -2 * trend_days, 'as_of.as_of_date') }}
),

channel_counts as (
    select
        windowed_activities.account_id,
        windowed_activities.channel,
        count(*) as activity_count
    from windowed_activities
    group by windowed_activities.account_id, windowed_activities.channel
),

primary_channels as (
    select
        ranked.account_id,
        ranked.channel as primary_channel
    from (
        select
            channel_counts.account_id,
            channel_counts.channel,
            row_number() over (
                partition by channel_counts.account_id
                order by channel_counts.activity_count desc, channel_counts.channel asc
            ) as channel_rank
        from channel_counts
    ) as ranked
    where ranked.channel_rank = 1
),

activity_trends as (
    select
        windowed_activities.account_id,
        sum(windowed_activities.is_recent) as recent_activity_count,
        sum(1 - windowed_activities.is_recent) as prior_activity_count,
        count(distinct windowed_activities.channel) as channel_count
    from windowed_activities
    group by windowed_activities.account_id
),

-- Technologies in use at the as-of date (seen by then, not stale since).
account_technologies as (
    select distinct
        enrichment_matches.account_id,
        technologies.tech_name,
        coalesce(technology_relations.relation, 'other') as relation
    from enrichment_matches
    cross join as_of
    inner join technologies
        on enrichment_matches.enrichment_domain = technologies.domain
    left join technology_relations
        on technologies.tech_name = technology_relations.tech_name
    where
        (technologies.first_seen_date is null or technologies.first_seen_date <= as_of.as_of_date)
        and (
            technologies.last_seen_date is null
            or {{ dbt.dateadd('day', var('icp_technology_stale_days'), 'technologies.last_seen_date') }}
            >= as_of.as_of_date
        )
),

technology_profiles as (
    select
        account_technologies.account_id,
        count(distinct account_technologies.tech_name) as technology_count,
        count(distinct case when account_technologies.relation = 'competitor' then account_technologies.tech_name end)
            as competitor_tool_count,
        count(
            distinct case when account_technologies.relation = 'complementary' then account_technologies.tech_name end
        ) as complementary_tool_count
    from account_technologies
    group by account_technologies.account_id
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
        coalesce(tiers.is_customer, accounts.is_customer, false) as is_customer,
        primary_channels.primary_channel,
        coalesce(activity_trends.channel_count, 0) as channel_count,
        coalesce(activity_trends.recent_activity_count, 0) as recent_activity_count,
        coalesce(activity_trends.prior_activity_count, 0) as prior_activity_count,
        snapshots.lifetime_value,
        snapshots.average_annual_contract_value,
        coalesce(snapshots.deal_cycles, 0) as deal_cycles,
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
    left join snapshots
        on accounts.account_id = snapshots.account_id
    left join primary_channels
        on accounts.account_id = primary_channels.account_id
    left join activity_trends
        on accounts.account_id = activity_trends.account_id
    left join technology_profiles
        on accounts.account_id = technology_profiles.account_id
),

trended as (
    select
        base.*,
        case
            when base.recent_activity_count = 0 and base.prior_activity_count = 0 then 'inactive'
            when
                base.prior_activity_count >= {{ var('segments_trend_min_activities') }}
                and base.recent_activity_count < {{ var('segments_falling_ratio') }} * base.prior_activity_count
                then 'falling'
            when base.recent_activity_count >= {{ var('segments_rising_ratio') }} * base.prior_activity_count
                then 'rising'
            else 'steady'
        end as engagement_trend
    from base
),

-- Band = highest lower edge at or below the value (customers only).
lifetime_value_bands as (
    {{ segments_value_band('trended', 'lifetime_value', 'trended.lifetime_value') }}
),

acv_bands as (
    {{ segments_value_band('trended', 'acv', 'trended.average_annual_contract_value') }}
),

segmented as (
    select
        trended.*,
        lifetime_value_bands.value_band as lifetime_value_band,
        acv_bands.value_band as acv_band,
        trended.is_customer
        and (
            lifetime_value_bands.value_band = 'key'
            or trended.deal_cycles >= {{ var('segments_key_customer_min_deal_cycles') }}
        ) as is_key_customer
    from trended
    left join lifetime_value_bands
        on trended.account_id = lifetime_value_bands.account_id
    left join acv_bands
        on trended.account_id = acv_bands.account_id
),

final as (
    select
        segmented.account_id,
        segmented.as_of_date,
        -- firmographic
        segmented.industry,
        segmented.size_band,
        segmented.region,
        {{ dbt.concat(["segmented.industry", "' | '", "segmented.size_band", "' | '", "segmented.region"]) }}
            as firmographic_segment,
        -- needs-based
        segmented.primary_need,
        segmented.top_needs,
        case
            when segmented.is_surging and segmented.primary_need is not null then segmented.primary_need
            else 'no_active_need'
        end as needs_segment,
        -- behavioral
        segmented.primary_channel,
        cast(segmented.channel_count as {{ dbt.type_int() }}) as channel_count,
        cast(segmented.recent_activity_count as {{ dbt.type_int() }}) as recent_activity_count,
        cast(segmented.prior_activity_count as {{ dbt.type_int() }}) as prior_activity_count,
        segmented.engagement_trend,
        case
            when segmented.is_customer and (
                segmented.is_surging or segmented.is_engagement_spiking or segmented.engagement_trend = 'rising'
            ) then 'customer_expansion_signal'
            when segmented.is_customer and segmented.engagement_trend = 'falling' then 'customer_churn_risk'
            when segmented.is_customer and segmented.engagement_trend = 'inactive' then 'customer_silent'
            when segmented.is_customer then 'customer_steady'
            when segmented.engagement_trend = 'inactive' then 'unengaged'
            when segmented.channel_count >= {{ var('segments_multi_channel_min') }} then 'multi_channel'
            else 'single_channel'
        end as behavioral_segment,
        -- value
        cast(segmented.lifetime_value as {{ identity_type_double() }}) as lifetime_value,
        cast(segmented.average_annual_contract_value as {{ identity_type_double() }}) as average_annual_contract_value,
        segmented.lifetime_value_band,
        segmented.acv_band,
        segmented.acv_potential_class,
        case
            when segmented.is_key_customer then 'key_customer'
            when segmented.is_customer
                then {{ dbt.concat(["'customer_'", "coalesce(segmented.lifetime_value_band, 'none')"]) }}
            else {{ dbt.concat(["'prospect_'", "coalesce(segmented.acv_potential_class, 'medium')", "'_potential'"]) }}
        end as value_segment,
        -- sophistication
        cast(segmented.technology_count as {{ dbt.type_int() }}) as technology_count,
        cast(segmented.competitor_tool_count as {{ dbt.type_int() }}) as competitor_tool_count,
        cast(segmented.complementary_tool_count as {{ dbt.type_int() }}) as complementary_tool_count,
        case
            when segmented.technology_count is null then 'unknown'
            when segmented.competitor_tool_count > 0 then 'competitor_user'
            when segmented.complementary_tool_count > 0 then 'complementary_stack'
            else 'greenfield'
        end as sophistication_segment,
        -- flags
        segmented.is_customer,
        segmented.is_key_customer,
        segmented.is_surging
    from segmented
)

select * from final
